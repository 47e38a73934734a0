export { startBackend, type Backend, type BackendOptions } from './backend';
export { EventBus } from './events';
export { resolveAppPaths, projectRoot, type AppPaths } from './paths';
