// Public module of the chaos part: the only file other parts import from `chaos/`.
export * from './checker/index.ts';
export {
  DrillInterruptedError,
  DrillSkippedError,
  type LocalRunOptions,
  runLocal,
  scaleScenario,
} from './engine/local.ts';
export * from './fault-proxy.ts';
export {
  CHAOS_GROUP,
  CHAOS_VERSION,
  type K8sLoad,
  type K8sRunOptions,
  PAUSE_ANNOTATION,
  runK8s,
} from './k8s/engine.ts';
export * from './k8s/render.ts';
export { type CrdValidator, loadCrdValidator } from './k8s/validate.ts';
export { type PlayerLoopOptions, resolveByAuthenticate, runPlayerLoop } from './load/player-loop.ts';
export { netnsSupport } from './local/netns.ts';
export { type RgsNode, type RgsNodeOptions, startRgsNode } from './local/rgs-node.ts';
export * from './local/services.ts';
export * from './report/render.ts';
export * from './result.ts';
export * from './scenarios/schema.ts';
