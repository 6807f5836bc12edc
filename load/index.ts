// Public module of the load part: the only file other parts import from `load/`.
export * from './history.ts';
export * from './k8s/index.ts';
export * from './report/index.ts';
export * from './runner/index.ts';
export * from './scenarios/index.ts';
