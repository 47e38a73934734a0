export * from './schema';
export * from './validate';
export {
  formatPath,
  mergeLayers,
  parseYamlLayer,
  valueLayer,
  type ConfigLayer,
  type ConfigPath,
  type Position,
} from './layers';
export { ConfigError } from './errors';
