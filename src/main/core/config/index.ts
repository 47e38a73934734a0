export {
  ConfigError,
  configFromSnapshot,
  configRoot,
  loadConfig,
  resolvedFromConfig,
  sha256Hex,
  snapshotYaml,
  type ConfigOverrides,
  type LoadConfigOptions,
  type ResolvedConfig,
} from './load';
