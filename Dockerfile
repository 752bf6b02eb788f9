# The bundled controller image: ghcr.io/ingress-kit/controller:<package version>, the default image the
# builtin IngressGateway deploys. Multi-stage: compile TypeScript with dev dependencies, then ship dist/, bin/ and
# production dependencies only, on Node 20 LTS, as a non-root user.
#   docker build -t ghcr.io/ingress-kit/controller:0.1.0 .
#   docker run --rm -p 8080:8080 -v "$PWD/routes:/routes:ro" ghcr.io/ingress-kit/controller:0.1.0 --manifests /routes

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY sdk ./sdk
RUN npm run build

FROM node:20-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# Pulumi packages are optional peers, needed by the components only, never by the controller.
RUN npm ci --omit=dev --omit=peer --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
# Unprivileged, the uid the builtin gateway's pod securityContext sets (65532, "nonroot"); the listeners default to
# 8080/8443/10254, so no capability is needed. Files stay root-owned and read-only to it.
USER 65532:65532
EXPOSE 8080 8443 10254
HEALTHCHECK --interval=10s --timeout=2s --start-period=10s \
  CMD ["node", "-e", "require('http').get('http://127.0.0.1:10254/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
# Node flags: sdk/controller-node-flags.ts (the builtin gateway's pods use the same; a test keeps them equal).
ENTRYPOINT ["node", "--max-semi-space-size=4", "bin/ingress-kit.js", "controller"]
