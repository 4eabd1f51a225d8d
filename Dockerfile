# One image for every Rapport process:
#   API      node --max-old-space-size=1536 dist/src/main.js   (default CMD)
#   worker   node dist/src/worker.js
#   migrate  node dist/src/cli/migrate.js up   (one-shot; advisory-locked, safe to run concurrently)
#
# docker build -t rapport .

# Node 24, the current LTS (Node 20 is end of life; see "Node versions" in the README). The same
# release CI runs the test suite on (scripts/node24/package.json).
ARG NODE_VERSION=24.22.3
# The npm that wrote package-lock.json, which honours the `allowScripts` policy in package.json
# (older npm releases ignore it and run every install script).
ARG NPM_VERSION=11.19.1

# ---------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS base
ARG NPM_VERSION
RUN npm install --global "npm@${NPM_VERSION}" && npm cache clean --force
WORKDIR /app

# ---------------------------------------------------------------------------------------------
# Build: all dependencies (TypeScript is a devDependency), then compile into dist/.
FROM base AS build
COPY package.json package-lock.json .npmrc ./
# `npm install` keeps the locked versions; see ensureDependencies() in scripts/lib/bootstrap.mjs
# for why not `npm ci` (the lockfile lacks other platforms' optional binaries).
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && rm -f dist/.tsbuildinfo

# ---------------------------------------------------------------------------------------------
# Production dependencies only: no embedded-postgres, smtp-server, jest, playwright, pino-pretty…
# argon2 and msgpackr-extract install from their prebuilt binaries, so no compiler is needed.
FROM base AS prod-deps
COPY package.json package-lock.json .npmrc ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

# ---------------------------------------------------------------------------------------------
FROM base AS runtime
# tini as PID 1: forwards SIGTERM/SIGINT to node (which shuts down gracefully) and reaps zombies,
# on any orchestrator, not only under `docker run --init`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production

COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Writable only for MAIL_TRANSPORT=file (MAIL_DIR defaults to .mail); everything else is read-only.
RUN mkdir -p .mail && chown node:node .mail

USER node
EXPOSE 4000

# Liveness of the API process (the worker and migrate services in docker-compose.yml override or
# disable it). Node's fetch, since the slim image has no curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
# A 1.5 GB old generation: V8 then lets the heap grow to about 1.8 × what is live between full
# collections instead of 4 ×, which halves the API's peak RSS under load for the same CPU per
# request (docs/benchmarks.md, "Memory of the API").
CMD ["node", "--max-old-space-size=1536", "dist/src/main.js"]
