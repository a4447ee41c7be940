export { AuditLog, type AuditRecord } from './audit.js';
export { WriteBack, WriteError, type WriteRefusal } from './write-back.js';
