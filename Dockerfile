# Chimba in a container. Build: docker build -t chimba .
# Run (embedded store in a volume): docker run -p 3000:3000 -v chimba-data:/data --env-file .env chimba
# With MongoDB: see docker-compose.yml.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles when no prebuilt binary fits
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY locales ./locales
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/locales ./locales
# the dashboard's stylesheet and script are served from here
COPY --from=build /app/src/api/dashboard/static ./src/api/dashboard/static
RUN mkdir -p /data && chown node:node /data
USER node
# the embedded store, the inbound spool and backups: keep this volume
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM: webhooks get 503, in-flight sends finish or go back to the queue, the store closes
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
