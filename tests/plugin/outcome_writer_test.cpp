// The outcome JSON: one shape for every status, the key redacted everywhere, text sanitised.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "dcv_resend_request.h"
#include "dcv_resend_task.h"
#include "outcome_writer.h"
#include "spec_test_support.h"

namespace {

using namespace digicert_dcv;
using namespace dcv_test;
using Poco::JSON::Object;

CertCentralRequest sample_request() {
    auto parsed = parse_dcv_resend_spec(to_text(valid_spec_object()));
    return build_dcv_resend_request(std::get<DcvResendSpec>(parsed), 1234567);
}

Object::Ptr parse(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Object::Ptr>();
}

TEST(OutcomeWriter, WritesASucceededOutcomeInTheOneShape) {
    DcvOutcome outcome;
    outcome.id = "run-42";
    outcome.status = OutcomeStatus::kSucceeded;
    outcome.changed = true;
    outcome.msg = "DCV emails resent for sub.example.com (domain 1234567)";
    outcome.attempts = 1;
    outcome.duration_ms = 12;
    outcome.request = sample_request();
    outcome.http_status = 204;
    outcome.requested = std::vector<std::string>{"admin@example.com"};
    const std::string json = write_outcome(outcome, kCanaryKey);
    EXPECT_EQ(json.rfind(R"({"task":"digicert.dcv.resend","id":"run-42","status":"succeeded",)"
                         R"("changed":true,"failed":false,)",
                         0),
              0u)
        << json;
    const Object::Ptr root = parse(json);
    EXPECT_EQ(root->getValue<int>("attempts"), 1);
    EXPECT_EQ(root->getObject("response")->getValue<int>("http_status"), 204);
    EXPECT_EQ(root->getObject("request")->getValue<std::string>("method"), "PUT");
    EXPECT_EQ(
        root->getObject("request")->getObject("headers")->getValue<std::string>("X-DC-DEVKEY"),
        "[redacted]");
    EXPECT_EQ(root->getObject("request")->getObject("body")->getValue<std::string>("locale"), "en");
    EXPECT_EQ(root->getObject("recipients")->getArray("requested")->getElement<std::string>(0),
              "admin@example.com");
    EXPECT_FALSE(root->has("error"));
    EXPECT_NE(json.find(R"("body":)" + outcome.request->body), std::string::npos)
        << "the body is shown exactly as sent: " << json;
    EXPECT_EQ(json.find(kCanaryKey), std::string::npos);
}

TEST(OutcomeWriter, AFailureCarriesTheErrorAndIsNeverChanged) {
    DcvOutcome outcome;
    outcome.status = OutcomeStatus::kFailed;
    outcome.changed = true;  // the writer must not let a failure claim a change
    outcome.msg = "failed";
    TaskError error;
    error.kind = ErrorKind::kPermission;
    error.msg = "no permission";
    error.http_status = 403;
    error.api_errors = {{"access_denied|missing_permission", "denied"}};
    outcome.error = error;
    const Object::Ptr root = parse(write_outcome(outcome, ""));
    EXPECT_FALSE(root->getValue<bool>("changed"));
    EXPECT_TRUE(root->getValue<bool>("failed"));
    const Object::Ptr json_error = root->getObject("error");
    EXPECT_EQ(json_error->getValue<std::string>("kind"), "permission");
    EXPECT_FALSE(json_error->getValue<bool>("retryable"));
    EXPECT_EQ(json_error->getObject("details")->getValue<int>("http_status"), 403);
    EXPECT_EQ(json_error->getObject("details")
                  ->getArray("api_errors")
                  ->getObject(0)
                  ->getValue<std::string>("code"),
              "access_denied|missing_permission");
}

TEST(OutcomeWriter, CancelledIsAFailureWithKindCancelled) {
    DcvOutcome outcome;
    outcome.status = OutcomeStatus::kCancelled;
    TaskError error;
    error.kind = ErrorKind::kCancelled;
    outcome.error = error;
    const Object::Ptr root = parse(write_outcome(outcome, ""));
    EXPECT_EQ(root->getValue<std::string>("status"), "cancelled");
    EXPECT_TRUE(root->getValue<bool>("failed"));
    EXPECT_EQ(root->getObject("error")->getValue<std::string>("kind"), "cancelled");
}

TEST(OutcomeWriter, InDoubtIsATopLevelFieldOfAFailureOnly) {
    DcvOutcome outcome;
    outcome.status = OutcomeStatus::kFailed;
    TaskError error;
    error.kind = ErrorKind::kNetwork;
    outcome.error = error;
    EXPECT_FALSE(parse(write_outcome(outcome, ""))->has("in_doubt")) << "absent unless in doubt";
    outcome.in_doubt = true;
    EXPECT_TRUE(parse(write_outcome(outcome, ""))->getValue<bool>("in_doubt"));
    outcome.status = OutcomeStatus::kCancelled;
    EXPECT_TRUE(parse(write_outcome(outcome, ""))->getValue<bool>("in_doubt"));
    outcome.status = OutcomeStatus::kSucceeded;
    EXPECT_FALSE(parse(write_outcome(outcome, ""))->has("in_doubt")) << "it was answered";
}

TEST(OutcomeWriter, RedactsTheKeyWhereverAServerEchoedIt) {
    DcvOutcome outcome;
    outcome.status = OutcomeStatus::kFailed;
    outcome.msg = std::string("rejected ") + kCanaryKey;
    TaskError error;
    error.kind = ErrorKind::kAuth;
    error.msg = std::string("key ") + kCanaryKey + " unknown";
    error.api_errors = {{"invalid_api_key", std::string("bad key: ") + kCanaryKey}};
    error.body_excerpt = kCanaryKey;
    outcome.error = error;
    const std::string json = write_outcome(outcome, kCanaryKey);
    EXPECT_EQ(json.find(kCanaryKey), std::string::npos);
    EXPECT_NE(json.find("key [redacted] unknown"), std::string::npos) << json;
}

TEST(OutcomeWriter, SanitisesControlCharacters) {
    DcvOutcome outcome;
    outcome.status = OutcomeStatus::kFailed;
    outcome.msg = "line\nbreak\x1b[31m\xff";
    const Object::Ptr root = parse(write_outcome(outcome, ""));
    EXPECT_EQ(root->getValue<std::string>("msg"), "line?break?[31m?");
}

TEST(OutcomeWriter, AnInvalidSpecOutcomeNamesTheFieldTaskAndId) {
    const auto parsed = parse_dcv_resend_spec(spec_with("params", "domain_id", "0"));
    const DcvOutcome outcome = invalid_spec_outcome(std::get<SpecError>(parsed));
    const Object::Ptr root = parse(write_outcome(outcome, ""));
    EXPECT_EQ(root->getValue<std::string>("task"), "digicert.dcv.resend");
    EXPECT_EQ(root->getValue<std::string>("id"), "run-42");
    EXPECT_EQ(root->getValue<std::string>("status"), "failed");
    EXPECT_EQ(root->getObject("error")->getValue<std::string>("kind"), "invalid_input");
    EXPECT_EQ(root->getObject("error")->getObject("details")->getValue<std::string>("field"),
              "params.domain_id");
    EXPECT_FALSE(root->has("request")) << "nothing was built, nothing sent";
}

TEST(OutcomeWriter, TheInternalOutcomeIsValidJson) {
    const Object::Ptr root = parse(write_internal_outcome("boom\x01"));
    EXPECT_EQ(root->getObject("error")->getValue<std::string>("kind"), "internal");
    EXPECT_TRUE(root->getValue<bool>("failed"));
}

TEST(OutcomeWriter, ShowsWhatThePreflightLearnedSanitised) {
    DcvOutcome outcome;
    outcome.status = OutcomeStatus::kSkipped;
    PreflightFindings findings;
    findings.domain = DomainIdentity{42, "exa\x01mple.com", "lookup"};
    findings.reads = {
        PreflightRead{"GET", "https://x.example/v2/domain?filters%5Bsearch%5D=a", 200},
        PreflightRead{"GET", "https://x.example/v2/domain/42", std::nullopt}};
    DcvStateReport dcv;
    dcv.state.is_pending_validation = false;
    dcv.state.dcv_method = std::string("email ") + kCanaryKey;  // a server echoing the key
    dcv.verdict.complete = true;
    dcv.verdict.valid_until = "2027-01-01";
    findings.dcv = dcv;
    RecipientReport report;
    report.requested = {"A@x.example"};
    report.listed_scope = report.resend_scope = "x.example";
    report.eligible = {"a@x.example", "b@x.example"};
    report.will_mail = {"A@x.example"};
    findings.recipients = report;
    outcome.preflight = findings;
    const std::string json = write_outcome(outcome, kCanaryKey);
    EXPECT_EQ(json.find(kCanaryKey), std::string::npos) << json;
    const Object::Ptr root = parse(json);
    const Object::Ptr domain = root->getObject("domain");
    EXPECT_EQ(domain->getValue<int64_t>("id"), 42);
    EXPECT_EQ(domain->getValue<std::string>("name"), "exa?mple.com");
    EXPECT_EQ(domain->getValue<std::string>("source"), "lookup");
    const auto reads = root->getArray("preflight");
    ASSERT_EQ(reads->size(), 2u);
    EXPECT_EQ(reads->getObject(0)->getValue<int>("http_status"), 200);
    EXPECT_TRUE(reads->getObject(1)->isNull("http_status"));
    const Object::Ptr state = root->getObject("dcv");
    EXPECT_TRUE(state->getValue<bool>("validated"));
    EXPECT_EQ(state->getValue<std::string>("validated_until"), "2027-01-01");
    EXPECT_FALSE(state->has("reason")) << "a reason only explains a DCV that is not complete";
    EXPECT_TRUE(state->isNull("is_active"));
    EXPECT_EQ(state->getValue<std::string>("dcv_method"), "email [redacted]");
    const Object::Ptr recipients = root->getObject("recipients");
    EXPECT_EQ(recipients->getArray("eligible")->size(), 2u);
    EXPECT_EQ(recipients->getArray("will_mail")->getElement<std::string>(0), "A@x.example");
    EXPECT_EQ(recipients->getArray("ignored")->size(), 0u);
    EXPECT_EQ(recipients->getValue<std::string>("split"), "known");
    EXPECT_FALSE(recipients->getValue<bool>("all_eligible_mailed"));
    EXPECT_FALSE(root->has("request"));
}

TEST(OutcomeWriter, AnUnknownSplitHasNoWillMail) {
    DcvOutcome outcome;
    outcome.status = OutcomeStatus::kSucceeded;
    PreflightFindings findings;
    RecipientReport recipients;
    recipients.requested = {"admin@sub.x.example", "old@x.example"};
    recipients.split_known = false;
    recipients.listed_scope = "x.example";
    recipients.resend_scope = "sub.x.example";
    recipients.unknown = {"admin@sub.x.example"};
    recipients.ignored = recipients.whois = {"old@x.example"};
    findings.recipients = recipients;
    outcome.preflight = findings;
    const Object::Ptr out = parse(write_outcome(outcome, ""))->getObject("recipients");
    EXPECT_EQ(out->getValue<std::string>("split"), "unknown");
    EXPECT_EQ(out->getValue<std::string>("resend_scope"), "sub.x.example");
    EXPECT_TRUE(out->isNull("will_mail"));
    EXPECT_EQ(out->getArray("unknown")->getElement<std::string>(0), "admin@sub.x.example");
    EXPECT_EQ(out->getArray("whois")->getElement<std::string>(0), "old@x.example");
    EXPECT_FALSE(out->has("all_eligible_mailed"));
}

TEST(OutcomeWriter, AnInvalidSpecHasNoPreflightFields) {
    const std::string json =
        write_outcome(invalid_spec_outcome(SpecError{"params.domain", "params.domain: bad",
                                                     std::nullopt, std::nullopt}),
                      "");
    const Object::Ptr root = parse(json);
    EXPECT_FALSE(root->has("domain"));
    EXPECT_FALSE(root->has("preflight"));
    EXPECT_FALSE(root->has("recipients"));
}

}  // namespace
