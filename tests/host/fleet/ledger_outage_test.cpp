// Fleet.ALedgerThatGoesAwaySendsNothing (issue 8): a daemon whose PostgreSQL ledger goes away
// while it runs answers each task 503, error kind ledger_unavailable, retryable, and sends
// nothing: the send would have no intent to make it safe.
#include <gtest/gtest.h>

#include <optional>

#include "daemon_test_support.h"
#include "fleet_support.h"

namespace taskhost_fleet {
namespace {

using taskhost_test::parse_json;

constexpr int64_t kDomain = 8400000;

std::string task(int64_t domain) {
    return R"({"task": "digicert.dcv.resend", "account": "sandbox", "params": {"domain_id": )" +
           std::to_string(domain) + R"(, "name_scope": "x.example.com"}})";
}

TEST(Fleet, ALedgerThatGoesAwaySendsNothing) {
    std::optional<taskhost_test::PostgresDatabase> db;
    db.emplace();
    sandbox::SandboxServer server(
        taskhost_test::sandbox_options(taskhost_test::numbered_domains(kDomain, 2)));
    HostOptions options;
    options.accounts = fleet_accounts(server, false);
    options.ledger = postgres_ledger(*db);
    FleetHost host(options);
    const taskhost_test::ProcessResult migrated = host.run({"ledger", "migrate"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
    ASSERT_TRUE(host.serve());

    const taskhost::DaemonAnswer sent = host.post_task(task(kDomain));
    ASSERT_EQ(sent.http_status, 200) << sent.body;
    ASSERT_EQ(server.accepted_resends().size(), 1u);

    db.reset();  // the database is dropped, its connections closed by the server
    const taskhost::DaemonAnswer refused = host.post_task(task(kDomain + 1));
    EXPECT_EQ(refused.http_status, 503) << refused.body;
    const auto outcome = parse_json(refused.body);
    EXPECT_TRUE(outcome->getValue<bool>("failed"));
    EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "ledger_unavailable");
    EXPECT_TRUE(outcome->getObject("error")->getValue<bool>("retryable"));
    EXPECT_NE(outcome->getValue<std::string>("msg").find("nothing was sent"), std::string::npos)
        << refused.body;
    EXPECT_EQ(server.accepted_resends().size(), 1u) << "nothing was sent without the ledger";
    EXPECT_EQ(host.stop().exit_code, 0);
}

}  // namespace
}  // namespace taskhost_fleet
