# Reelay: one image for the api and worker roles (`serve --role …`).
FROM node:20-bookworm-slim
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev
ENV HOST=0.0.0.0 PORT=8080 REELAY_DATA_DIR=/data
EXPOSE 8080
ENTRYPOINT ["node", "dist/main.js"]
CMD ["serve", "--role", "all"]
