export { createOdooClient, type OdooClient, type OdooCallInput, type OdooProtocol, type OdooDomain, type OdooContext } from './client';
export { createOdooOrderOperations, type OdooOperationsOptions } from './operations';
export { odooFieldMap, type OdooFieldMap } from './fields';
export { classifyOdooError } from './errors';
export { toOdooDatetime, fromOdooDatetime, toOdooAmount, fromOdooAmount } from './wire';
export * from './types';
