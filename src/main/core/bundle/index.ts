export * from './bundle';
export { registryChampionSource } from './champion-source';
