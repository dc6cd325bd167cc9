// The read-only pre-flight through the dlopened plugin against the sandbox over real TLS:
// skip_if_validated (no PUT for a validated domain), the recipient split checked against whom
// the sandbox really mailed, strict_recipients refusing before any PUT, dry runs that read but
// never send, a failed read that stops the task, pacing asked once per HTTP attempt (GETs
// included), and a canary key that appears nowhere.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;
using Strings = std::vector<std::string>;

class Preflight : public PluginSandboxSuite {
  protected:
    static void SetUpTestSuite() {
        sandbox::SandboxOptions options = sandbox_options();
        for (int i = 0; i < 8; ++i) {
            options.keys.push_back({"PREFLIGHT-KEY-" + std::to_string(i), "manager"});
        }
        start_sandbox(options);
    }
    static Strings targets() {
        Strings out;
        for (const sandbox::RecordedRequest& request : server_->requests()) {
            out.push_back(request.method + " " + request.target);
        }
        return out;
    }
    static int puts_seen() {
        int n = 0;
        for (const sandbox::RecordedRequest& request : server_->requests()) {
            n += request.method == "PUT" ? 1 : 0;
        }
        return n;
    }
};

Strings strings_at(const Poco::JSON::Object::Ptr& object, const std::string& name) {
    Strings out;
    const auto array = object->getArray(name);
    for (std::size_t i = 0; array && i < array->size(); ++i) {
        out.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
    }
    return out;
}

// example.net in the fixture: constructed addresses, two WHOIS contacts (listed, never
// eligible), one DNS TXT contact.
const Strings kExampleNetEligible = {"admin@example.net",      "administrator@example.net",
                                     "webmaster@example.net",  "hostmaster@example.net",
                                     "postmaster@example.net", "dcv@example.net"};
const std::string kExampleNetEmails =
    "GET /services/v2/domain/1234569/dcv/emails?consider_dcv_email_preferences=true";

// A spec for example.net with the recipient check left at its default (on: addresses given).
SpecOptions example_net(Strings emails) {
    SpecOptions options;
    options.domain_id = kWhoisDomainId;
    options.name_scope.reset();
    options.emails = std::move(emails);
    options.check_recipients.reset();
    return options;
}

TEST_F(Preflight, AValidatedDomainIsSkippedAndNothingIsPut) {
    RecordingHost host;
    SpecOptions options;
    options.domain_id = kValidatedDomainId;
    options.name_scope.reset();
    options.skip_if_validated = true;
    const Execution e = execute(resend_spec(*server_, options), host);
    ASSERT_EQ(e.emit_count, 1);
    EXPECT_EQ(e.rc, 0);
    EXPECT_EQ(status_of(e), "skipped") << e.raw;
    EXPECT_FALSE(e.outcome->getValue<bool>("changed"));
    EXPECT_FALSE(e.outcome->getValue<bool>("failed"));
    const std::string msg = e.outcome->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "example.org (domain 1234568) is already validated until 20")) << msg;
    EXPECT_TRUE(contains(msg, "nothing was sent")) << msg;
    const auto dcv = e.outcome->getObject("dcv");
    EXPECT_TRUE(dcv->getValue<bool>("validated"));
    EXPECT_FALSE(dcv->getValue<bool>("is_pending_validation"));
    EXPECT_EQ(dcv->getValue<std::string>("dcv_method"), "email");
    const auto ov = dcv->getArray("validations")->getObject(0);
    EXPECT_EQ(ov->getValue<std::string>("type"), "ov");
    EXPECT_EQ(ov->getValue<std::string>("status"), "active");
    EXPECT_FALSE(ov->getValue<bool>("due"));
    EXPECT_EQ(e.outcome->getObject("domain")->getValue<std::string>("name"), "example.org");
    EXPECT_EQ(targets(),
              Strings{"GET /services/v2/domain/1234568?include_dcv=true&include_validation=true"});
    EXPECT_TRUE(server_->accepted_resends().empty());
    EXPECT_FALSE(e.outcome->has("response"));
}

TEST_F(Preflight, RevalidateWithinSkipsUntilTheWindowReachesTheExpiry) {
    RecordingHost host;
    SpecOptions options;
    options.domain_id = kValidatedDomainId;  // example.org: OV and EV valid 397 days
    options.name_scope.reset();
    options.revalidate_within = "30d";
    const Execution e = execute(resend_spec(*server_, options), host);
    ASSERT_EQ(status_of(e), "skipped") << e.raw;
    EXPECT_TRUE(contains(e.outcome->getValue<std::string>("msg"), ", more than 30d from now"))
        << e.raw;
    EXPECT_EQ(e.outcome->getObject("dcv")->getValue<std::string>("revalidate_within"), "30d");
    EXPECT_TRUE(server_->accepted_resends().empty());

    options.revalidate_within = "400d";
    const Execution due = execute(resend_spec(*server_, options), host);
    ASSERT_EQ(status_of(due), "succeeded") << due.raw;
    const std::string msg = due.outcome->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "due: the OV validation expires at ")) << msg;
    EXPECT_TRUE(contains(msg, ", within 400d")) << msg;
    const auto types = due.outcome->getObject("dcv")->getArray("validations");
    ASSERT_EQ(types->size(), 2u);
    EXPECT_TRUE(types->getObject(0)->getValue<bool>("due"));
    EXPECT_EQ(server_->accepted_resends().size(), 1u);
}

TEST_F(Preflight, ThePendingFlagQuirkDoesNotForceAResend) {
    RecordingHost host;
    SpecOptions options;
    options.domain_id = 4567890;  // quirk.example.com: OV active, is_pending_validation true
    options.name_scope.reset();
    options.skip_if_validated = true;
    const Execution e = execute(resend_spec(*server_, options), host);
    ASSERT_EQ(status_of(e), "skipped") << e.raw;
    const auto dcv = e.outcome->getObject("dcv");
    EXPECT_TRUE(dcv->getValue<bool>("is_pending_validation"));
    EXPECT_TRUE(dcv->getValue<bool>("validated"));
    EXPECT_TRUE(contains(dcv->getValue<std::string>("note"), "documented quirk"));
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(Preflight, AnUnvalidatedDomainIsResentAfterItsStateIsRead) {
    RecordingHost host;
    SpecOptions options;
    options.skip_if_validated = true;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    const auto dcv = e.outcome->getObject("dcv");
    EXPECT_FALSE(dcv->getValue<bool>("validated"));
    EXPECT_TRUE(contains(dcv->getValue<std::string>("reason"), "pending"));
    EXPECT_EQ(targets(),
              (Strings{"GET /services/v2/domain/1234567?include_dcv=true&include_validation=true",
                       "PUT /services/v2/domain/1234567/dcv/emails"}));
    EXPECT_EQ(attempts_of(e), 2);
    EXPECT_EQ(e.outcome->getObject("domain")->getValue<std::string>("source"), "params");
}

TEST_F(Preflight, RecipientsSplitIntoWillMailAndIgnoredAsTheSandboxMails) {
    RecordingHost host;
    const Execution e =
        execute(resend_spec(*server_, example_net({"DCV@Example.net", "ceo@example.net"})), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw;
    const auto recipients = e.outcome->getObject("recipients");
    EXPECT_EQ(recipients->getValue<std::string>("split"), "known");
    EXPECT_EQ(strings_at(recipients, "requested"), (Strings{"DCV@Example.net", "ceo@example.net"}));
    EXPECT_EQ(strings_at(recipients, "eligible"), kExampleNetEligible);
    EXPECT_EQ(strings_at(recipients, "will_mail"), Strings{"DCV@Example.net"});
    EXPECT_EQ(strings_at(recipients, "ignored"), Strings{"ceo@example.net"});
    const std::string msg = e.outcome->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "warning: DigiCert ignores 1 requested address")) << msg;
    EXPECT_TRUE(contains(msg, "ceo@example.net")) << msg;
    EXPECT_EQ(targets(),
              (Strings{kExampleNetEmails, "PUT /services/v2/domain/1234569/dcv/emails"}));
    // What the plugin predicted is what the (DigiCert-like) sandbox really mailed.
    const auto accepted = server_->accepted_resends();
    ASSERT_EQ(accepted.size(), 1u);
    EXPECT_EQ(accepted[0].mailed, strings_at(recipients, "will_mail"));
}

TEST_F(Preflight, AWhoisContactIsReportedIgnoredAndNeverMailed) {
    RecordingHost host;
    const Execution e = execute(
        resend_spec(*server_, example_net({"Registrant@Example.net", "admin@example.net"})), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw;
    const auto recipients = e.outcome->getObject("recipients");
    EXPECT_EQ(strings_at(recipients, "ignored"), Strings{"Registrant@Example.net"});
    EXPECT_EQ(strings_at(recipients, "whois"), Strings{"Registrant@Example.net"});
    EXPECT_EQ(strings_at(recipients, "will_mail"), Strings{"admin@example.net"});
    const std::string msg = e.outcome->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "Registrant@Example.net is a WHOIS contact, no longer eligible"))
        << msg;
    EXPECT_EQ(server_->accepted_resends().at(0).mailed, Strings{"admin@example.net"});
}

TEST_F(Preflight, EveryRequestedAddressEligibleMeansNoWarning) {
    RecordingHost host;
    const Execution e = execute(
        resend_spec(*server_, example_net({"webmaster@example.net", "DCV@example.NET"})), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw;
    const auto recipients = e.outcome->getObject("recipients");
    EXPECT_EQ(strings_at(recipients, "will_mail"),
              (Strings{"webmaster@example.net", "DCV@example.NET"}));
    EXPECT_TRUE(strings_at(recipients, "ignored").empty());
    EXPECT_FALSE(contains(e.outcome->getValue<std::string>("msg"), "warning"));
    ASSERT_EQ(server_->accepted_resends().size(), 1u);
    EXPECT_EQ(server_->accepted_resends()[0].mailed, strings_at(recipients, "will_mail"));
}

TEST_F(Preflight, NoRequestedAddressEligibleMeansAllEligibleAreMailed) {
    RecordingHost host;
    const Execution e =
        execute(resend_spec(*server_, example_net({"ceo@example.net", "tech@example.net"})), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw;
    const auto recipients = e.outcome->getObject("recipients");
    EXPECT_EQ(strings_at(recipients, "ignored"), (Strings{"ceo@example.net", "tech@example.net"}));
    EXPECT_EQ(strings_at(recipients, "will_mail"), kExampleNetEligible);
    EXPECT_TRUE(recipients->getValue<bool>("all_eligible_mailed"));
    const std::string msg = e.outcome->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "none of the requested addresses is eligible")) << msg;
    EXPECT_TRUE(contains(msg, "mails all 6 eligible addresses instead")) << msg;
    ASSERT_EQ(server_->accepted_resends().size(), 1u);
    EXPECT_EQ(server_->accepted_resends()[0].mailed, kExampleNetEligible);
}

TEST_F(Preflight, ASubdomainScopeMakesTheSplitUnknownAndIsStillSent) {
    RecordingHost host;
    SpecOptions options;  // example.com
    options.name_scope = "sub.example.com";
    options.emails = Strings{"admin@sub.example.com", "admin@example.com"};
    options.check_recipients = true;
    options.strict_recipients = true;  // never refuses on an unknown split
    const Execution e = execute(resend_spec(*server_, options), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw;
    const auto recipients = e.outcome->getObject("recipients");
    EXPECT_EQ(recipients->getValue<std::string>("split"), "unknown");
    EXPECT_EQ(recipients->getValue<std::string>("listed_scope"), "example.com");
    EXPECT_EQ(recipients->getValue<std::string>("resend_scope"), "sub.example.com");
    EXPECT_TRUE(recipients->isNull("will_mail"));
    EXPECT_EQ(strings_at(recipients, "unknown"),
              (Strings{"admin@sub.example.com", "admin@example.com"}));
    const std::string msg = e.outcome->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "which addresses DigiCert mails for sub.example.com is unknown"))
        << msg;
    EXPECT_EQ(targets().at(0),
              "GET /services/v2/domain/1234567/dcv/emails?consider_dcv_email_preferences=true")
        << "no name_scope parameter: DigiCert documents none";
    // The sandbox mails for the scope it was sent: the subdomain's constructed address.
    EXPECT_EQ(server_->accepted_resends().at(0).mailed, Strings{"admin@sub.example.com"});
}

TEST_F(Preflight, StrictRecipientsRefusesBeforeAnyPut) {
    RecordingHost host;
    SpecOptions options = example_net({"admin@example.net", "ceo@example.net"});
    options.strict_recipients = true;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_NE(e.rc, 0);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "invalid_input");
    const auto error = e.outcome->getObject("error");
    EXPECT_EQ(error->getObject("details")->getValue<std::string>("field"), "params.email_array");
    const std::string msg = error->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "would ignore ceo@example.net")) << msg;
    EXPECT_TRUE(contains(msg, "eligible: admin@example.net, administrator@example.net")) << msg;
    EXPECT_TRUE(contains(msg, "strict_recipients")) << msg;
    EXPECT_EQ(targets(), Strings{kExampleNetEmails});
    EXPECT_EQ(puts_seen(), 0);
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(Preflight, DryRunReadsButNeverPuts) {
    RecordingHost host;
    SpecOptions options;
    options.domain_id.reset();
    options.domain = "example.co.uk";
    options.name_scope.reset();
    options.emails = Strings{"hostmaster@registrar.example", "ceo@example.co.uk"};
    options.check_recipients.reset();
    options.dry_run = true;
    options.key = "PREFLIGHT-KEY-0";
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(e.rc, 0);
    EXPECT_EQ(status_of(e), "planned") << e.raw;
    const std::string msg = e.outcome->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "would resend DCV emails for example.co.uk (domain 3456789)")) << msg;
    EXPECT_TRUE(contains(msg, "hostmaster@registrar.example is a WHOIS contact")) << msg;
    EXPECT_TRUE(contains(msg, "mails all 5 eligible addresses instead")) << msg;
    EXPECT_EQ(strings_at(e.outcome->getObject("recipients"), "ignored"),
              (Strings{"hostmaster@registrar.example", "ceo@example.co.uk"}));
    EXPECT_EQ(targets(), (Strings{"GET /services/v2/domain?filters%5Bsearch%5D=example.co.uk",
                                  "GET /services/v2/domain/3456789/dcv/emails?"
                                  "consider_dcv_email_preferences=true"}));
    EXPECT_EQ(attempts_of(e), 2);
    EXPECT_EQ(puts_seen(), 0);

    // A validated domain plans as skipped: the host's plan can say "already validated".
    options.skip_if_validated = true;
    server_->reset_records();
    const Execution validated = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(validated), "skipped") << validated.raw;
    EXPECT_TRUE(contains(validated.outcome->getValue<std::string>("msg"), "nothing would be sent"));
    EXPECT_EQ(targets(),
              Strings{"GET /services/v2/domain/3456789?include_dcv=true&include_validation=true"})
        << "the name came from the cache; the recipients do not matter once skipped";
    EXPECT_EQ(puts_seen(), 0);
}

TEST_F(Preflight, DryRunWithoutAKeyMakesNoReadsAndSaysSo) {
    RecordingHost host;
    SpecOptions options;
    options.domain_id.reset();
    options.domain = "example.com";
    options.skip_if_validated = true;
    options.check_recipients.reset();
    options.dry_run = true;
    options.key.reset();
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "planned") << e.raw;
    const std::string msg = e.outcome->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "no api_key was given")) << msg;
    EXPECT_TRUE(contains(msg, "domain lookup, DCV state check, recipient check")) << msg;
    EXPECT_TRUE(e.outcome->getObject("domain")->isNull("id"));
    EXPECT_EQ(e.outcome->getArray("preflight")->size(), 0u);
    EXPECT_TRUE(server_->requests().empty());
    EXPECT_EQ(server_->connections_accepted(), 0u);
}

TEST_F(Preflight, AFailedReadFailsTheTaskNamingTheStepAndNothingIsPut) {
    sandbox::FaultRule rule;
    rule.method = "GET";
    rule.path_suffix = "/dcv/emails";
    rule.status = 404;
    server_->add_fault(rule);
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_, example_net({"admin@example.net"})), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "not_found");
    EXPECT_TRUE(contains(e.outcome->getValue<std::string>("msg"), "pre-flight recipient check"))
        << e.raw;
    EXPECT_EQ(e.outcome->getArray("preflight")->getObject(0)->getValue<int>("http_status"), 404);
    EXPECT_EQ(e.outcome->getObject("error")->getObject("details")->getValue<int>("http_status"),
              404);
    EXPECT_EQ(puts_seen(), 0);

    // A 200 that is not CertCentral's JSON is a failure too, not an empty list of addresses.
    rule.status = 200;
    rule.body = "<html>maintenance</html>";
    rule.content_type = "text/html";
    server_->clear_faults();
    server_->add_fault(rule);
    server_->reset_records();
    const Execution garbled =
        execute(resend_spec(*server_, example_net({"admin@example.net"})), host);
    EXPECT_EQ(error_kind_of(garbled), "server") << garbled.raw;
    EXPECT_TRUE(contains(garbled.outcome->getValue<std::string>("msg"), "not what CertCentral"))
        << garbled.raw;
    EXPECT_EQ(garbled.outcome->getObject("error")->getObject("details")->getValue<std::string>(
                  "body_excerpt"),
              "<html>maintenance</html>");
    EXPECT_EQ(puts_seen(), 0);
}

TEST_F(Preflight, CancellingAfterAReadSendsNothingMore) {
    RecordingHost host;
    host.cancel_from_call(2);  // call 1: before the state read; call 2: before the resend
    SpecOptions options;
    options.skip_if_validated = true;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "cancelled") << e.raw;
    EXPECT_EQ(error_kind_of(e), "cancelled");
    EXPECT_EQ(attempts_of(e), 1);
    EXPECT_EQ(targets(),
              Strings{"GET /services/v2/domain/1234567?include_dcv=true&include_validation=true"});
    EXPECT_EQ(puts_seen(), 0);
}

TEST_F(Preflight, PacingIsAskedOncePerHttpAttemptGetsIncluded) {
    sandbox::FaultRule rule;
    rule.method = "GET";
    rule.path_suffix = "/dcv/emails";
    rule.status = 429;
    rule.headers["Retry-After"] = "0";
    server_->add_fault(rule);
    RecordingHost host;
    host.offer_pacing();
    SpecOptions options = example_net({"tech@example.net"});
    options.domain_id.reset();
    options.domain = "example.net";
    options.skip_if_validated = true;
    options.key = "PREFLIGHT-KEY-1";
    const Execution e = execute(resend_spec(*server_, options), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw;
    // lookup, state, emails (429), emails, PUT
    EXPECT_EQ(server_->requests().size(), 5u);
    EXPECT_EQ(attempts_of(e), 5);
    EXPECT_EQ(host.acquire_calls(), 5);
    EXPECT_EQ(host.throttled_ms(), std::vector<uint32_t>{0});
    const auto preflight = e.outcome->getArray("preflight");
    ASSERT_EQ(preflight->size(), 3u);
    EXPECT_EQ(preflight->getObject(2)->getValue<int>("http_status"), 200) << "its last attempt";
    for (const std::string& bucket : host.buckets()) {
        EXPECT_EQ(bucket, host.buckets().front()) << "reads and the resend share the key's bucket";
    }
}

TEST_F(Preflight, TheCanaryKeyAppearsInNoOutcomeAndNoLogLine) {
    RecordingHost host;
    SpecOptions full = example_net({"ceo@example.net"});
    full.domain_id.reset();
    full.domain = "example.net";
    full.skip_if_validated = true;
    execute(resend_spec(*server_, full), host);  // lookup, state, recipients, resend
    SpecOptions dry = full;
    dry.dry_run = true;
    execute(resend_spec(*server_, dry), host);
    SpecOptions strict = example_net({"ceo@example.net"});
    strict.strict_recipients = true;
    execute(resend_spec(*server_, strict), host);
    SpecOptions missing = full;
    missing.domain = "nosuch.example";
    execute(resend_spec(*server_, missing), host);
    // A server that echoes the key in the answers to every read.
    sandbox::FaultRule echo;
    echo.method = "GET";
    echo.count = -1;
    echo.status = 200;
    echo.body = std::string(R"({"domains":[{"id":"x-)") + kCanaryKey + R"("}]})";
    server_->add_fault(echo);
    SpecOptions echoed = full;
    echoed.domain = "echo.example";
    execute(resend_spec(*server_, echoed), host);

    const Strings emits = host.emits();
    ASSERT_EQ(emits.size(), 5u);
    EXPECT_EQ(records_holding(host, kCanaryKey), 0)
        << "the key leaked into an outcome or a log line";
    EXPECT_TRUE(contains(emits[4], "[redacted]")) << "the echoed key was redacted, not dropped";
    EXPECT_GE(host.logs().size(), 8u);
}

}  // namespace
