// The ABI header cannot change unnoticed (after Envoy's abi_version_test): its SHA-256 and
// TASKHOST_ABI_VERSION are recorded in include/taskhost/plugin_abi_fingerprint.txt, and any edit
// of include/taskhost/plugin.h, even of a comment (a written rule is part of the contract),
// fails here until someone judges it and records the new fingerprint.
#include <gtest/gtest.h>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <fstream>
#include <sstream>
#include <string>

#include "taskhost/plugin.h"

namespace {

std::string read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::string sha256_hex(const std::string& bytes) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    return Poco::DigestEngine::digestToHex(sha.digest());
}

TEST(AbiFingerprint, HeaderMatchesTheRecordedFingerprintAndVersion) {
    const std::string header = read_file(TASKHOST_PLUGIN_HEADER);
    ASSERT_FALSE(header.empty()) << "cannot read " << TASKHOST_PLUGIN_HEADER;
    std::istringstream recorded(read_file(TASKHOST_ABI_FINGERPRINT));
    std::string recorded_sha;
    unsigned long recorded_version = 0;
    ASSERT_TRUE(static_cast<bool>(recorded >> recorded_sha >> recorded_version))
        << TASKHOST_ABI_FINGERPRINT << " must hold one line: <sha256 of plugin.h> <ABI version>";

    const std::string actual_sha = sha256_hex(header);
    const unsigned long actual_version = TASKHOST_ABI_VERSION;
    EXPECT_TRUE(actual_sha == recorded_sha && actual_version == recorded_version)
        << "The ABI header changed: " << TASKHOST_PLUGIN_HEADER << "\n"
        << "  recorded: " << recorded_sha << " " << recorded_version << "\n"
        << "  now:      " << actual_sha << " " << actual_version << "\n"
        << "Decide whether the change is compatible or breaking:\n"
        << "  - compatible: TASKHOST_ABI_VERSION stays the same, and the change only appends\n"
        << "    fields to the end of struct taskhost_host, adds enum values, or writes down /\n"
        << "    adds rules; no existing declaration, layout, meaning or rule changes;\n"
        << "  - breaking: anything else (a signature, a field's type, place or meaning, a\n"
        << "    loosened rule): bump TASKHOST_ABI_VERSION in plugin.h.\n"
        << "Then record the new fingerprint:\n"
        << "  printf '%s %s\\n' \"$(sha256sum " << TASKHOST_PLUGIN_HEADER << " | cut -d' ' -f1)\" "
        << actual_version << " > " << TASKHOST_ABI_FINGERPRINT;
}

}  // namespace
