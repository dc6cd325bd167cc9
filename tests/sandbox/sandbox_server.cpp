// SandboxServer's lifecycle: key material, TLS context, listening socket, threads, and a stop
// that waits for every handler (Poco's stop() does not).
#include "sandbox_server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/ThreadPool.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sandbox_core.h"
#include "sandbox_options_check.h"
#include "sandbox_request_handler.h"
#include "test_pki.h"

namespace sandbox {
namespace {

using Poco::Net::HTTPServerParams;
using Poco::Net::StreamSocket;

// Enough for many pooled keep-alive clients at once: each idle keep-alive connection holds a
// thread, and a connection beyond the limit would wait in the queue until one closes.
constexpr int kMaxConnectionThreads = 64;

// Registers the connection's socket for the whole of its life, so a reset fault and the
// sandbox's stop can reach it (see ConnectionRegistry for why not Poco's stopAll).
class TrackedConnection : public Poco::Net::HTTPServerConnection {
  public:
    TrackedConnection(const StreamSocket& socket, HTTPServerParams::Ptr params,
                      Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, SandboxCore& core)
        : HTTPServerConnection(socket, params, handlers), core_(core) {}

    void run() override {
        struct Leave {
            SandboxCore& core;
            uint64_t ticket;
            ~Leave() { core.connections.leave(ticket); }
        } leave{core_, core_.connections.enter(socket().impl()->sockfd())};
        if (core_.faults.take_connection_reset()) {
            // Before the (lazy) TLS handshake: the client's handshake fails, nothing is read.
            core_.connections.reset(socket().impl()->sockfd());
            return;
        }
        if (const auto hold = core_.faults.take_connection_silence()) {
            core_.pause(*hold);  // never handshakes: the client waits for a ServerHello
            return;
        }
        HTTPServerConnection::run();
    }

  private:
    SandboxCore& core_;
};

class TrackedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
  public:
    TrackedConnectionFactory(SandboxCore& core, HTTPServerParams::Ptr params)
        : core_(core), params_(params), handlers_(new SandboxRequestHandlerFactory(core)) {}

    Poco::Net::TCPServerConnection* createConnection(const StreamSocket& socket) override {
        // Counted before the (lazy) TLS handshake, so a client that refuses our certificate
        // still shows up here while requests() stays empty.
        core_.log.count_connection();
        return new TrackedConnection(socket, params_, handlers_, core_);
    }

  private:
    SandboxCore& core_;
    HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
};

// Where ca.pem and the keys go; a private temporary directory unless the caller named one.
struct StateDir {
    std::string path;
    bool owned = false;

    explicit StateDir(const std::string& requested) {
        if (requested.empty()) {
            const char* tmp = std::getenv("TMPDIR");
            std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/dcv-sandbox-XXXXXX";
            if (::mkdtemp(pattern.data()) == nullptr) {
                throw std::runtime_error("sandbox: cannot create a temporary state dir under " +
                                         pattern + ": " + std::strerror(errno));
            }
            path = pattern;
            owned = true;
            return;
        }
        path = requested;
        for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
            const std::string prefix = path.substr(0, slash);
            if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
                throw std::runtime_error("SandboxOptions.state_dir: cannot create " + prefix +
                                         ": " + std::strerror(errno));
            }
            if (slash == std::string::npos) {
                break;
            }
        }
    }

    void remove_if_owned(const TestPkiFiles& files) const {
        if (!owned) {
            return;
        }
        for (const std::string* file :
             {&files.ca_cert, &files.server_cert, &files.server_key, &files.wrong_host_cert,
              &files.wrong_host_key, &files.rogue_cert, &files.rogue_key}) {
            ::unlink(file->c_str());
        }
        ::rmdir(path.c_str());
    }
};

void ignore_sigpipe() {
    // OpenSSL writes with write(2), not send(MSG_NOSIGNAL): answering a client that already
    // hung up (a test that timed out during a latency fault) would otherwise kill the process.
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
        ::signal(SIGPIPE, SIG_IGN);
    }
}

}  // namespace

struct SandboxServer::Impl {
    explicit Impl(SandboxOptions options)
        : options_(std::move(options)),
          state_dir_(options_.state_dir),
          pool_(2, kMaxConnectionThreads) {}

    SandboxOptions options_;
    StateDir state_dir_;
    TestPkiFiles pki_files_;
    std::unique_ptr<SandboxCore> core_;
    Poco::ThreadPool pool_;
    std::unique_ptr<Poco::Net::TCPServer> server_;
    uint16_t port_ = 0;
};

SandboxServer::SandboxServer(SandboxOptions options) {
    check_options(options);
    ignore_sigpipe();
    Poco::Net::initializeSSL();
    try {
        impl_ = std::make_unique<Impl>(std::move(options));
        Impl& impl = *impl_;
        impl.pki_files_ = write_test_pki(make_test_pki(), impl.state_dir_.path);

        Poco::Net::Context::Params tls;
        switch (impl.options_.identity) {
            case TlsIdentity::kTrusted:
                tls.certificateFile = impl.pki_files_.server_cert;
                tls.privateKeyFile = impl.pki_files_.server_key;
                break;
            case TlsIdentity::kWrongHost:
                tls.certificateFile = impl.pki_files_.wrong_host_cert;
                tls.privateKeyFile = impl.pki_files_.wrong_host_key;
                break;
            case TlsIdentity::kSelfSigned:
                tls.certificateFile = impl.pki_files_.rogue_cert;
                tls.privateKeyFile = impl.pki_files_.rogue_key;
                break;
        }
        tls.verificationMode = Poco::Net::Context::VERIFY_NONE;  // no client certificates
        tls.loadDefaultCAs = false;
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::SERVER_USE, tls);

        Poco::Net::SecureServerSocket socket(
            Poco::Net::SocketAddress(impl.options_.bind_host, impl.options_.port), 64, context);
        impl.port_ = socket.address().port();

        HTTPServerParams::Ptr params = new HTTPServerParams;
        params->setKeepAlive(true);  // the plugin pools sessions; keep-alive must hold
        params->setKeepAliveTimeout(Poco::Timespan(30, 0));
        params->setMaxKeepAliveRequests(0);  // unlimited
        params->setTimeout(Poco::Timespan(60, 0));
        params->setMaxThreads(kMaxConnectionThreads);
        params->setMaxQueued(256);

        impl.core_ = std::make_unique<SandboxCore>(impl.options_);
        impl.server_ = std::make_unique<Poco::Net::TCPServer>(
            new TrackedConnectionFactory(*impl.core_, params), impl.pool_, socket, params);
        impl.server_->start();
    } catch (...) {
        if (impl_) {
            impl_->state_dir_.remove_if_owned(impl_->pki_files_);
        }
        Poco::Net::uninitializeSSL();
        throw;
    }
}

SandboxServer::~SandboxServer() {
    Impl& impl = *impl_;
    impl.core_->begin_stop();                // stalls and latencies end now
    impl.server_->stop();                    // no new connections (waits out one accept poll)
    impl.core_->connections.shutdown_all();  // idle keep-alive connections wake and end
    impl.pool_.joinAll();                    // every handler has returned
    impl.server_.reset();
    impl.core_.reset();
    impl.state_dir_.remove_if_owned(impl.pki_files_);
    impl_.reset();
    Poco::Net::uninitializeSSL();
}

uint16_t SandboxServer::port() const {
    return impl_->port_;
}

std::string SandboxServer::base_url() const {
    return "https://localhost:" + std::to_string(impl_->port_) + impl_->options_.base_path;
}

std::string SandboxServer::ca_file() const {
    return impl_->pki_files_.ca_cert;
}
std::string SandboxServer::state_dir() const {
    return impl_->state_dir_.path;
}

void SandboxServer::add_fault(FaultRule rule) {
    impl_->core_->faults.add(std::move(rule));
}
void SandboxServer::reset_next_connections(int count) {
    impl_->core_->faults.reset_connections(count);
}
void SandboxServer::silence_next_connections(int count, std::chrono::milliseconds hold) {
    impl_->core_->faults.silence_connections(count, hold);
}
void SandboxServer::clear_faults() {
    impl_->core_->faults.clear();
}

std::vector<RecordedRequest> SandboxServer::requests() const {
    return impl_->core_->log.requests();
}

size_t SandboxServer::request_count(const std::string& method,
                                    const std::string& path_suffix) const {
    size_t count = 0;
    for (const RecordedRequest& request : impl_->core_->log.requests()) {
        const std::string path = request.target.substr(0, request.target.find('?'));
        const bool method_matches = method.empty() || request.method == method;
        const bool path_matches =
            path.size() >= path_suffix.size() &&
            path.compare(path.size() - path_suffix.size(), path_suffix.size(), path_suffix) == 0;
        count += method_matches && path_matches ? 1 : 0;
    }
    return count;
}

std::vector<AcceptedResend> SandboxServer::accepted_resends() const {
    return impl_->core_->log.resends();
}

size_t SandboxServer::rate_limited_count() const {
    return impl_->core_->log.rate_limited();
}
size_t SandboxServer::connections_accepted() const {
    return impl_->core_->log.connections();
}
SandboxCounters SandboxServer::counters() const {
    return impl_->core_->log.counters();
}
void SandboxServer::reset_records() {
    impl_->core_->log.reset();
}

}  // namespace sandbox
