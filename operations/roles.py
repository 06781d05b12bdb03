"""The two database roles (issue #16 item 5): an owner that migrates and an application role that only reads and writes.

The stack used to connect as the superuser that owned every table, so the audit trail's triggers could be switched
off, the table truncated or dropped. Now:

- the **owner** role owns the schema and every table, sequence and function in it; it runs `migrate` and nothing else;
- the **application** role (gunicorn, the workers, beat) is no superuser and owns nothing: SELECT, INSERT, UPDATE,
  DELETE on ordinary tables, only SELECT and INSERT on the audit trail, SELECT on `django_migrations`, USAGE on
  sequences. Without ownership PostgreSQL refuses it ALTER TABLE (so DISABLE TRIGGER), DROP TRIGGER, DROP TABLE;
  without the privilege, TRUNCATE, UPDATE and DELETE; and `session_replication_role` is for superusers only.

`roles_apply` is idempotent and runs as a superuser (or a role with CREATEROLE that owns the database): before
`migrate`, so the owner exists and owns the schema; and after it, so tables the migration created get the
audit table's narrower grants (ALTER DEFAULT PRIVILEGES grants every new table in full, the audit table included).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

from audit.models import AuditEvent

# Tables the application may read and add to, never change: the audit trail (its rows are evidence).
APPEND_ONLY_TABLES = (AuditEvent._meta.db_table,)
# Tables the application only reads: which migrations ran is the owner's business.
READ_ONLY_TABLES = ("django_migrations",)
SCHEMA = "public"


class RolesError(Exception):
    pass


@dataclass(frozen=True)
class RoleSpec:
    name: str
    password: str | None = None


def _run(
    connection: BaseDatabaseWrapper, template: str, *, literals: dict[str, str] | None = None, **names: str
) -> None:
    statement = sql.SQL(template).format(
        **{key: sql.Identifier(value) for key, value in names.items()},
        **{key: sql.Literal(value) for key, value in (literals or {}).items()},
    )
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(connection.connection))


def _rows(connection: BaseDatabaseWrapper, query: str, params: list[str]) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())


def _role_ensure(connection: BaseDatabaseWrapper, role: RoleSpec) -> None:
    if not _rows(connection, "SELECT 1 FROM pg_roles WHERE rolname = %s", [role.name]):
        _run(connection, "CREATE ROLE {role} LOGIN", role=role.name)
    # Whatever it was before: a plain login role, with no way to create roles or databases or to bypass security.
    _run(
        connection,
        "ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
        role=role.name,
    )
    if role.password:
        _run(
            connection,
            "ALTER ROLE {role} PASSWORD {password}",
            role=role.name,
            literals={"password": role.password},
        )


def _ownership_transfer(connection: BaseDatabaseWrapper, owner: str) -> None:
    """Tables first (their identity and serial sequences follow them), then what is left, then functions."""
    kinds = (("r", "TABLE"), ("p", "TABLE"), ("v", "VIEW"), ("m", "MATERIALIZED VIEW"), ("S", "SEQUENCE"))
    for relkind, keyword in kinds:
        rows = _rows(
            connection,
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = %s AND pg_get_userbyid(c.relowner) <> %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i') "
            "AND d.classid = 'pg_class'::regclass AND c.relkind = 'S')",
            [SCHEMA, relkind, owner],
        )
        for (name,) in rows:
            _run(
                connection,
                f"ALTER {keyword} {{schema}}.{{name}} OWNER TO {{owner}}",
                schema=SCHEMA,
                name=str(name),
                owner=owner,
            )
    functions = _rows(
        connection,
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = %s AND pg_get_userbyid(p.proowner) <> %s",
        [SCHEMA, owner],
    )
    with connection.cursor() as cursor:
        for (signature,) in functions:
            # regprocedure text is already quoted where it needs to be.
            cursor.execute(
                sql.SQL("ALTER FUNCTION {} OWNER TO {}")
                .format(sql.SQL(str(signature)), sql.Identifier(owner))
                .as_string(connection.connection)
            )


def _grants_apply(connection: BaseDatabaseWrapper, *, database: str, owner: str, app: str) -> None:
    templates = (
        # Only the two roles (and superusers) connect; nobody else creates anything in the schema.
        "REVOKE ALL ON DATABASE {database} FROM PUBLIC",
        "GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {owner}, {app}",
        "ALTER SCHEMA {schema} OWNER TO {owner}",
        "REVOKE ALL ON SCHEMA {schema} FROM PUBLIC",
        "REVOKE ALL ON SCHEMA {schema} FROM {app}",
        "GRANT USAGE ON SCHEMA {schema} TO {app}",
        # From a clean slate each time, so a privilege granted by hand does not linger.
        "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM PUBLIC, {app}",
        "REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM PUBLIC, {app}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        # Tables and sequences later migrations create (run by the owner) are granted to the application too.
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    )
    for template in templates:
        _run(connection, template, database=database, schema=SCHEMA, owner=owner, app=app)
    existing = set(connection.introspection.table_names())
    for table in APPEND_ONLY_TABLES:
        if table in existing:
            _run(
                connection,
                "REVOKE UPDATE, DELETE ON {schema}.{table} FROM {app}",
                schema=SCHEMA,
                table=table,
                app=app,
            )
    for table in READ_ONLY_TABLES:
        if table in existing:
            _run(
                connection,
                "REVOKE INSERT, UPDATE, DELETE ON {schema}.{table} FROM {app}",
                schema=SCHEMA,
                table=table,
                app=app,
            )


def roles_check(connection: BaseDatabaseWrapper, *, owner: str, app: str) -> list[str]:
    """What is wrong with the application role, in words; empty when it is as described above."""
    problems: list[str] = []
    rows = _rows(
        connection,
        "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s",
        [app],
    )
    if not rows:
        return [f"role {app} does not exist"]
    if any(rows[0]):
        problems.append(f"role {app} is a superuser or may create roles or databases or bypass row security")
    owned = _rows(
        connection,
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND pg_get_userbyid(c.relowner) <> %s",
        [SCHEMA, owner],
    )
    problems += [f"{name} is not owned by {owner}" for (name,) in owned]
    if _rows(
        connection,
        "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s",
        [app],
    ):
        problems.append(f"role {app} is a member of another role")
    existing = set(connection.introspection.table_names())
    for table in APPEND_ONLY_TABLES:
        if table not in existing:
            continue
        for privilege in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"):
            if _rows(
                connection,
                "SELECT 1 WHERE has_table_privilege(%s, %s, %s)",
                [app, f"{SCHEMA}.{table}", privilege],
            ):
                problems.append(f"role {app} holds {privilege} on {table}")
    return problems


def roles_apply(connection: BaseDatabaseWrapper, *, owner: RoleSpec, app: RoleSpec) -> list[str]:
    """Create or correct both roles and every grant; returns `roles_check`'s findings (empty when all is well)."""
    if connection.vendor != "postgresql":
        raise RolesError("database roles exist on PostgreSQL only")
    current = str(_rows(connection, "SELECT current_user", [])[0][0])
    if owner.name == app.name or current in (owner.name, app.name):
        raise RolesError(
            "the owner, the application role and the role running this must be three different roles"
        )
    database = str(connection.settings_dict["NAME"])
    _role_ensure(connection, owner)
    _role_ensure(connection, app)
    # Membership would hand the owner's rights to the application role.
    if _rows(
        connection,
        "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
        "WHERE r.rolname = %s AND u.rolname = %s",
        [owner.name, app.name],
    ):
        _run(connection, "REVOKE {owner} FROM {app}", owner=owner.name, app=app.name)
    _ownership_transfer(connection, owner.name)
    _grants_apply(connection, database=database, owner=owner.name, app=app.name)
    return roles_check(connection, owner=owner.name, app=app.name)
