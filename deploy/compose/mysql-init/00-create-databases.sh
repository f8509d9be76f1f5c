#!/bin/bash
# Run once by the MySQL image on an empty data directory (/docker-entrypoint-initdb.d):
# create both databases and grant the application user on them. No schema here: each app
# migrates its database when it starts (Flyway, from the scripts of sql/ in its image), the
# kit's tables and the demo rows included (DB_MIGRATION_LOCATIONS in compose.yaml).
set -euo pipefail

run_sql() {
	mysql --protocol=socket -uroot -p"${MYSQL_ROOT_PASSWORD}" "$@"
}

for db in orders consumer; do
	echo "txorders: creating database ${db}"
	run_sql -e "CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4;
		GRANT ALL PRIVILEGES ON \`${db}\`.* TO '${MYSQL_USER}'@'%';"
done
