export * from './channels';
export * from './money';
export * from './order';
export * from './events';
export * from './ids';
export * from './status';
export * from './search-attributes';
export * from './failures';
