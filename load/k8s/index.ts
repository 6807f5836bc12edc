// k6 on Kubernetes: the k6-operator TestRun and the ConfigMap with the bundled script.
export {
  isK6Script,
  type K8sOptions,
  k8sManifests,
  ManifestError,
  parseManifests,
  validateTestRun,
} from './manifests.ts';
