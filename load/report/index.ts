// Reports of a load run: HTML with server-side ECharts plots, and the evidence JSON for certify.
export { LoadResultError, loadEvidence, parseLoadResult, renderLoadReport } from './render.ts';
