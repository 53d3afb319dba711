throw new Error("chDB publishes no prebuilt library for this platform; use CLICKHOUSE_URL");
