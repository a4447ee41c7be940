// Backfill and export: `loom import` reads CSV or Parquet files into the historian row by row with a
// complete reject report; `loom export` and GET /api/v1/export write history out as CSV or Parquet.
export { importFile, ImportStopped, type ImportOptions, type ImportProgress, type ImportReport, type ImportTarget } from './import/importer.js';
export { importUpload, type UploadOptions } from './import/upload.js';
export { importRemote, RemoteImportFailed, type RemoteImportOptions, type RemoteReport } from './import/remote.js';
export { FileRefused, type FileFormat } from './import/sources.js';
export { loadMappingFile, mergeMappings, mappingSchema, type ImportMapping, type Layout } from './import/mapping.js';
export { REJECTS_HEADER, rejectLine, type RejectReason, type RejectSample } from './import/rejects.js';
export { timestampParser, type EpochUnit, type TimestampOptions } from './timestamps.js';
export { planExport, csvChunks, writeCsvFile, writeParquetFile, ExportRefused, type ExportPlan, type ExportFormat, type ExportLayout } from './export/exporter.js';
export { importConfigSchema, type ImportConfig } from './config.js';
