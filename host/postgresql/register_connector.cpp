// The ledger's PostgreSQL connector as a module (not a room: nothing links it). The host loads
// it only when a config names a PostgreSQL ledger (ledger/postgresql_connector.h): linked into
// taskhost, Poco's connector and libpq brought about 20 libraries (Kerberos, LDAP, GnuTLS...)
// into every process, a SQLite-only `taskhost run` included, about 4 MiB and a third of the
// dynamic loader's start-up (issue 12). It shares the process's Poco::Data, so the connector it
// registers is the one Poco::Data::Session("PostgreSQL", ...) finds. The host looks this one
// symbol up by name (kRegisterSymbol in ledger/postgresql_connector.cpp).
#include <Poco/Data/PostgreSQL/Connector.h>

extern "C" __attribute__((visibility("default"))) int taskhost_register_postgresql_connector(void) {
    try {
        Poco::Data::PostgreSQL::Connector::registerConnector();
        return 0;
    } catch (...) {
        return -1;
    }
}
