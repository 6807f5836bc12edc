/**
 * What the rendered manifests rely on, as a zod schema (checked offline: there is no cluster here).
 * Not the whole Kubernetes API: the fields a cluster needs to run the experiment as intended and
 * that a wrong edit would silently break — Indexed completion, completions = parallelism = K,
 * restartPolicy Never, a non-root pod, the shard index taken from JOB_COMPLETION_INDEX, the results
 * volume mounted where the command writes. Field names and allowed values per the batch/v1 Job and
 * core/v1 Pod API references (kubernetes.io/docs/reference/kubernetes-api/).
 */
import { z } from 'zod';

const Name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .max(63);
const Metadata = z.object({
  name: Name,
  namespace: Name.optional(),
  labels: z.record(z.string(), z.string()),
});

const Container = z.object({
  name: Name,
  image: z.string().min(1),
  command: z.tuple([z.literal('sh'), z.literal('-c'), z.string().min(1)]),
  resources: z.object({ requests: z.object({ cpu: z.string() }), limits: z.object({ cpu: z.string() }) }),
  securityContext: z.object({ allowPrivilegeEscalation: z.literal(false) }),
  volumeMounts: z.array(z.object({ name: Name, mountPath: z.string().startsWith('/') })).min(1),
});

const Volume = z.union([
  z.object({ name: Name, persistentVolumeClaim: z.object({ claimName: Name }) }),
  z.object({ name: Name, configMap: z.object({ name: Name }) }),
  z.object({ name: Name, emptyDir: z.object({}) }),
]);

const PodSpec = z
  .object({
    restartPolicy: z.literal('Never'),
    securityContext: z.object({ runAsNonRoot: z.literal(true), runAsUser: z.number().int().min(1) }),
    containers: z.array(Container).length(1),
    volumes: z.array(Volume).min(1),
  })
  .superRefine((spec, ctx) => {
    const names = new Set(spec.volumes.map((v) => v.name));
    for (const m of spec.containers[0]!.volumeMounts)
      if (!names.has(m.name))
        ctx.addIssue({ code: 'custom', message: `volumeMount '${m.name}' has no volume` });
  });

export const ShardJobSchema = z
  .object({
    apiVersion: z.literal('batch/v1'),
    kind: z.literal('Job'),
    metadata: Metadata,
    spec: z.object({
      completionMode: z.literal('Indexed'),
      completions: z.number().int().min(1),
      parallelism: z.number().int().min(1),
      template: z.object({ spec: PodSpec }),
    }),
  })
  .superRefine((job, ctx) => {
    const command = job.spec.template.spec.containers[0]!.command[2];
    if (!command.includes('JOB_COMPLETION_INDEX'))
      ctx.addIssue({ code: 'custom', message: 'the shard command must read JOB_COMPLETION_INDEX' });
    if (!command.includes(`--shard "$i/${job.spec.completions}"`))
      ctx.addIssue({ code: 'custom', message: 'the shard count in the command must equal spec.completions' });
    if (job.spec.parallelism > job.spec.completions)
      ctx.addIssue({ code: 'custom', message: 'parallelism above completions' });
  });

export const MergeJobSchema = z.object({
  apiVersion: z.literal('batch/v1'),
  kind: z.literal('Job'),
  metadata: Metadata,
  spec: z.object({ completions: z.literal(1), template: z.object({ spec: PodSpec }) }),
});

export const ConfigMapSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('ConfigMap'),
  metadata: Metadata,
  data: z.record(z.string(), z.string()),
});

export const ClaimSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('PersistentVolumeClaim'),
  metadata: Metadata,
  spec: z.object({
    accessModes: z
      .array(z.enum(['ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOncePod']))
      .min(1),
    resources: z.object({ requests: z.object({ storage: z.string().regex(/^\d+(Ki|Mi|Gi|Ti)$/) }) }),
  }),
});

/** Checks the four rendered objects (in renderSimJob's order); returns every problem with its path. */
export function validateSimManifests(objects: readonly unknown[]): string[] {
  const schemas = [ConfigMapSchema, ClaimSchema, ShardJobSchema, MergeJobSchema] as const;
  if (objects.length !== schemas.length) return [`expected ${schemas.length} objects, got ${objects.length}`];
  const problems: string[] = [];
  objects.forEach((obj, i) => {
    const r = schemas[i]!.safeParse(obj);
    if (!r.success)
      for (const issue of r.error.issues)
        problems.push(`object ${i}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  });
  return problems;
}
