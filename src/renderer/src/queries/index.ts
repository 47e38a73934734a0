export * from './app';
export * from './configs';
export * from './data';
export * from './events';
export * from './keys';
export * from './registry';
export * from './runs';
export * from './serving';
