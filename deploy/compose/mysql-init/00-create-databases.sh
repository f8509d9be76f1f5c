#!/bin/bash
# Run once by the MySQL image on an empty data directory (/docker-entrypoint-initdb.d).
# The scripts in sql/<database>/ assume their database is already selected (no USE
# statement, so a DBA can apply them to a database of any name): create both databases,
# grant the application user on them, and apply the kit's scripts (sql/messaging/) and then the
# database's own folder to each.
set -euo pipefail

run_sql() {
	mysql --protocol=socket -uroot -p"${MYSQL_ROOT_PASSWORD}" "$@"
}

for db in orders consumer; do
	echo "txorders: creating database ${db}"
	run_sql -e "CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4;
		GRANT ALL PRIVILEGES ON \`${db}\`.* TO '${MYSQL_USER}'@'%';"
	for script in /txorders-sql/messaging/*.sql /txorders-sql/"${db}"/*.sql /txorders-sql/demo/"${db}"/*.sql; do
		echo "txorders: applying ${script} to ${db}"
		run_sql "${db}" < "${script}"
	done
done
