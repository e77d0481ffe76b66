# One image recipe for the four services: docker build --build-arg SERVICE=ingest-api .
# The build stage runs the same build command as the README (`tsc -b` via npm run build).
FROM node:20-bookworm-slim AS build
ENV NX_DAEMON=false NX_NO_CLOUD=true
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json nx.json .npmrc ./
COPY libs/common/package.json libs/common/
COPY services/ingest-api/package.json services/ingest-api/
COPY services/enricher/package.json services/enricher/
COPY services/aggregator/package.json services/aggregator/
COPY services/metrics-api/package.json services/metrics-api/
COPY bench/package.json bench/
# npm install, not npm ci: see ensure_node_deps in scripts/stack.d/env.sh
RUN npm install --no-audit --no-fund
COPY libs libs
COPY services services
COPY bench bench
# The same build command as the README and CI.
RUN npm run build
# What each service runs from: dist/, and the metrics API's dashboard (static files + compiled js/).
RUN for s in services/*; do mkdir -p "/out/$s" && cp -R "$s/dist" "/out/$s/" && if [ -d "$s/dashboard" ]; then cp -R "$s/dashboard" "/out/$s/"; fi; done

FROM node:20-bookworm-slim AS runtime
ARG SERVICE
ENV NODE_ENV=production SERVICE=${SERVICE}
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY libs/common/package.json libs/common/
COPY services/${SERVICE}/package.json services/${SERVICE}/
RUN npm install --omit=dev --no-audit --no-fund --workspace=services/${SERVICE} && npm cache clean --force
COPY --from=build /app/libs/common/dist libs/common/dist
COPY --from=build /out/services/${SERVICE} services/${SERVICE}/
COPY config config
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||process.env.OPS_PORT)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "exec node ${NODE_ARGS:-} services/${SERVICE}/dist/main.js"]
