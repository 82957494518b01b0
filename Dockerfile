# Image of the hub (issue #16): one image, two processes. `web` runs the standalone Next.js server
# (`output: "standalone"`); `worker` runs the separate delivery worker (src/server/worker/main.ts)
# and the release step runs the migrations (`communs db:migrate`): both need the sources and tsx,
# so the image keeps them beside the standalone server. Non-root, healthcheck on /api/health.
# Processes in the image: `node server.js` (web, the default, with its heap limit) and `npm run worker`; migrations:
# `npm run communs -- db:migrate` before the new web processes get traffic. Procedure and the manual
# lint check: docs/EXPLOITATION.md.

# --- dependencies (with dev dependencies: the build needs them) ---
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm install --no-audit --no-fund

# --- build ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npm run build

# --- runtime dependencies only (worker, CLI) ---
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm install --omit=dev --no-audit --no-fund

# --- runtime ---
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
# Worker and CLI: sources, migrations and production dependencies (tsx included).
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json tsconfig.json ./
COPY --chown=node:node src ./src
COPY --chown=node:node drizzle ./drizzle
# Web: the standalone server, its static files and public/ (not copied by `next build` itself).
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
COPY --chown=node:node public ./public
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The web process's V8 heap limit (issue #17, hub RSS < 500 MiB), as in `npm start`: by default it
# follows the machine's memory (4 GiB of heap on 24 GiB), and V8 sizes how much garbage it lets pile
# up on it (~270 MiB of heap for ~70 MiB live, measured); with 512 the heap stayed ~110 MiB at the
# same CPU per request (256 cost CPU). docs/EXPLOITATION.md ("Mémoire du processus web").
CMD ["node", "--max-old-space-size=512", "server.js"]
