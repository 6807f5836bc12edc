# Croupier in a container: the image the Kubernetes simulation Job runs (`croupier sim k8s`).
# Multi-stage: the build stage installs the production dependencies (`npm ci --omit=dev`; its
# `prepare` step builds dist/ with esbuild, a runtime dependency) and the runtime stage copies the
# result and runs as a non-root user (uid 10001, the one the manifests' securityContext names).
# Build: docker build -t <registry>/croupier:<version> .

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=0:0 /app /app
RUN groupadd --gid 10001 croupier && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin croupier
USER 10001:10001
ENTRYPOINT ["node", "/app/bin/croupier.js"]
CMD ["--help"]
