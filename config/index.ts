export * from './env';
export * from './channels';
export { formatIssues } from './issues';
export * from './logger';
