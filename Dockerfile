# certagent in a container: for the scheduled rotation job (Kubernetes CronJob) and fleet rollouts from CI.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates openssh-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY inventory ./inventory
COPY playbooks ./playbooks
USER node
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
