#include "server/http_front.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include "server/chunked_decoder.hpp"

namespace ferry::host::web {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::uint64_t kListenToken = 0;
constexpr std::uint64_t kWakeToken = 1;
constexpr std::size_t kReadChunk = 64 << 10;
constexpr std::size_t kReadPerWakeup = 1 << 20;  // so one fast client cannot starve the others
constexpr std::size_t kFilePerWakeup = 4 << 20;  // the same, for a file body going out

const char* const kBadRequest = "FERRY-WEB-BAD-REQUEST";
const char* const kTimeout = "FERRY-WEB-TIMEOUT";

enum class Phase {
    head,       // waiting for (the rest of) a request head, or idle between requests
    body,       // reading the body the head announced
    handling,   // a worker has the request; nothing is read meanwhile
    writing,    // the answer is going out
    lingering,  // the last answer is out: unread bytes are drained until the client closes
};

struct Connection {
    int fd = -1;
    std::uint64_t id = 0;
    Phase phase = Phase::head;
    std::uint32_t interest = 0;  // what epoll watches now
    bool peer_done = false;      // the client closed its sending side
    std::string in;              // read and not yet consumed: the head, bytes of a next request
    std::string out;             // queued for the client
    std::size_t out_sent = 0;
    std::shared_ptr<FileBody> file;  // a file body, sent after `out`; reset once all of it is out
    std::uint64_t file_sent = 0;
    Clock::time_point deadline = Clock::time_point::max();
    Clock::time_point phase_start;
    Clock::time_point request_start;
    bool request_begun = false;  // a byte of the current request has arrived
    std::uint64_t moved = 0;     // body bytes read, or answer bytes written, in this phase
    bool close_after = false;    // the answer being written is the connection's last

    std::unique_ptr<HttpRequest> request;  // the request whose body is being read
    std::unique_ptr<RequestBody> body;
    std::optional<ChunkedDecoder> chunked;
    std::uint64_t body_left = 0;  // of a Content-Length body
    std::uint64_t body_total = 0;
    std::uint64_t max_body = 0;
    Refusal too_large;
};

struct Job {
    std::uint64_t conn = 0;
    std::unique_ptr<HttpRequest> request;
};

struct Done {
    std::uint64_t conn = 0;
    std::unique_ptr<HttpResponse> response;
    bool keep_alive = true;
    bool head_only = false;
};

// The position just past the blank line that ends a head (CRLF or bare LF lines), or npos.
std::size_t head_end(const std::string& in) {
    for (std::size_t at = in.find('\n'); at != std::string::npos; at = in.find('\n', at + 1)) {
        std::size_t next = at + 1;
        if (next < in.size() && in[next] == '\r') ++next;
        if (next < in.size() && in[next] == '\n') return next + 1;
    }
    return std::string::npos;
}

std::size_t header_count(const Poco::Net::HTTPRequest& head, const std::string& name) {
    std::size_t n = 0;
    for (const auto& field : head)
        if (Poco::icompare(field.first, name) == 0) ++n;
    return n;
}

}  // namespace

struct HttpFront::Impl {
    FrontLimits limits;
    HttpHandler& handler;
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    int listen_fd = -1;
    int epoll_fd = -1;
    int wake_fd = -1;
    int spare_fd = -1;  // given up to accept and drop a connection when descriptors run out
    unsigned short port = 0;
    std::thread loop_thread;
    std::vector<std::thread> workers;
    std::atomic<bool> stop_requested{false};

    // Event loop thread only.
    std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> conns;
    std::uint64_t next_id = 2;
    bool stopping = false;
    std::vector<char> read_buf = std::vector<char>(kReadChunk);

    std::mutex jobs_mutex;
    std::condition_variable jobs_cv;
    std::deque<Job> jobs;
    bool jobs_closed = false;

    std::mutex done_mutex;
    std::vector<Done> done;

    Impl(FrontLimits l, HttpHandler& h) : limits(std::move(l)), handler(h) {}

    milliseconds allowance(std::uint64_t bytes) const {
        return milliseconds(bytes * 1000 / std::max<std::uint64_t>(limits.min_rate, 1));
    }

    void wake() {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(wake_fd, &one, sizeof one);
    }

    // ---- workers ------------------------------------------------------------------------------

    void work() {
        for (;;) {
            Job job;
            {
                std::unique_lock lock(jobs_mutex);
                jobs_cv.wait(lock, [&] { return jobs_closed || !jobs.empty(); });
                if (jobs.empty()) return;
                job = std::move(jobs.front());
                jobs.pop_front();
            }
            Done d;
            d.conn = job.conn;
            d.keep_alive = job.request->getKeepAlive();
            d.head_only = job.request->getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD;
            d.response = std::make_unique<HttpResponse>();
            try {
                handler.handle(*job.request, *d.response);
            } catch (...) {
                d.response = std::make_unique<HttpResponse>();
                handler.refused(job.request.get(), {500, "FERRY-INTERNAL", "the server failed while answering"},
                                milliseconds(0), *d.response);
            }
            job.request.reset();  // its spool file goes now, not when the loop gets to it
            {
                std::lock_guard lock(done_mutex);
                done.push_back(std::move(d));
            }
            wake();
        }
    }

    // ---- connections --------------------------------------------------------------------------

    void close_conn(Connection& c) {
        if (c.fd < 0) return;
        ::close(c.fd);  // also leaves the epoll set
        c.fd = -1;
        c.file.reset();
        c.request.reset();
        c.body.reset();
        c.deadline = Clock::time_point::max();
    }

    void settle(Connection& c) {
        if (c.fd < 0) return;
        std::uint32_t want = 0;
        const bool reading = c.phase == Phase::head || c.phase == Phase::body || c.phase == Phase::lingering;
        if (reading && !c.peer_done) want |= EPOLLIN;
        if (c.out_sent < c.out.size() || c.file) want |= EPOLLOUT;
        if (want == c.interest) return;
        epoll_event ev{};
        ev.events = want;
        ev.data.u64 = c.id;
        ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
        c.interest = want;
    }

    void accept_all() {
        for (;;) {
            int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) continue;
                if ((errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
                    // Out of descriptors: take the pending connection with the spare and drop it,
                    // else the listening socket stays readable and the loop spins.
                    ::close(spare_fd);
                    fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
                    if (fd >= 0) ::close(fd);
                    spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
                    continue;
                }
                return;
            }
            if (stopping || conns.size() >= limits.max_connections) {
                ::close(fd);
                continue;
            }
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // answers go out in one piece
            auto c = std::make_unique<Connection>();
            c->fd = fd;
            c->id = next_id++;
            c->deadline = Clock::now() + limits.idle_timeout;
            c->interest = EPOLLIN;
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = c->id;
            if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
                ::close(fd);
                continue;
            }
            conns.emplace(c->id, std::move(c));
        }
    }

    milliseconds elapsed(const Connection& c) const {
        if (!c.request_begun) return milliseconds(0);
        return std::chrono::duration_cast<milliseconds>(Clock::now() - c.request_start);
    }

    // Queues an answer; the connection then only writes until it is out.
    void queue_response(Connection& c, HttpResponse& resp, bool close, bool head_only) {
        resp.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
        resp.setReason(Poco::Net::HTTPResponse::getReasonForStatus(resp.getStatus()));  // setStatus leaves "OK"
        resp.setKeepAlive(!close);
        resp.setDate(Poco::Timestamp());
        const int status = resp.getStatus();
        const bool bodiless = status < 200 || status == 204 || status == 304;
        const std::uint64_t length = resp.file ? resp.file->size() : resp.body.size();
        if (!bodiless) resp.setContentLength64(static_cast<Poco::Int64>(length));
        std::ostringstream head;
        resp.write(head);
        c.out.erase(0, c.out_sent);  // an interim 100 Continue may still be going out
        c.out_sent = 0;
        c.out += head.str();
        c.file.reset();
        c.file_sent = 0;
        if (!head_only && !bodiless) {
            if (resp.file) c.file = resp.file;
            else c.out += resp.body;
        }
        c.phase = Phase::writing;
        c.close_after = close;
        c.phase_start = Clock::now();
        c.moved = 0;
        c.deadline = c.phase_start + limits.body_timeout;
    }

    // The transport answers for the handler: a head it cannot read, a body too slow, too large or
    // cut short. Unless the request had no body, the connection closes after the answer: what
    // follows on it is not a request boundary we can trust.
    void refuse(Connection& c, const Poco::Net::HTTPRequest* head, const Refusal& why, bool keep_alive) {
        HttpResponse resp;
        handler.refused(head, why, elapsed(c), resp);
        const bool head_only = head && head->getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD;
        c.request.reset();
        c.body.reset();
        c.chunked.reset();
        queue_response(c, resp, !keep_alive || stopping, head_only);
    }

    bool advance_head(Connection& c) {
        // Empty lines before a request line are ignored (RFC 7230 §3.5).
        const auto first = c.in.find_first_not_of("\r\n");
        c.in.erase(0, first == std::string::npos ? c.in.size() : first);
        if (!c.in.empty() && !c.request_begun) {
            c.request_begun = true;
            c.request_start = Clock::now();
            c.deadline = c.request_start + limits.header_timeout;
        }
        const std::size_t end = head_end(c.in);
        const auto too_long = [&] {
            refuse(c, nullptr,
                   {431, "FERRY-WEB-HEAD-TOO-LARGE",
                    "the request head is larger than " + std::to_string(limits.max_head) + " bytes"},
                   false);
        };
        if (end == std::string::npos) {
            if (c.in.size() > limits.max_head) too_long();
            else if (c.peer_done && c.request_begun)
                refuse(c, nullptr, {400, kBadRequest, "the connection ended inside the request head"}, false);
            else if (c.peer_done)
                close_conn(c);
            return false;
        }
        if (end > limits.max_head) {
            too_long();
            return false;
        }
        auto req = std::make_unique<HttpRequest>();
        try {
            std::istringstream text(c.in.substr(0, end));
            req->read(text);  // Poco's parser, with its limits on method, URI and fields
        } catch (const Poco::Exception&) {
            refuse(c, nullptr, {400, kBadRequest, "the request head is not valid HTTP/1.1"}, false);
            return false;
        }
        c.in.erase(0, end);
        const std::string& version = req->getVersion();
        if (version != Poco::Net::HTTPMessage::HTTP_1_1 && version != Poco::Net::HTTPMessage::HTTP_1_0) {
            refuse(c, req.get(), {505, kBadRequest, "only HTTP/1.0 and HTTP/1.1 are spoken here"}, false);
            return false;
        }

        // The body is what Content-Length or chunked coding says, and nothing when neither is
        // there (RFC 7230 §3.3.3): never "until the client closes".
        bool chunked = false;
        std::uint64_t length = 0;
        if (req->has("Transfer-Encoding")) {
            if (req->has("Content-Length")) {
                refuse(c, req.get(), {400, kBadRequest, "send Content-Length or Transfer-Encoding, not both"}, false);
                return false;
            }
            if (header_count(*req, "Transfer-Encoding") != 1 ||
                Poco::icompare(Poco::trim(req->get("Transfer-Encoding")), "chunked") != 0) {
                refuse(c, req.get(), {400, kBadRequest, "the only Transfer-Encoding spoken here is chunked"}, false);
                return false;
            }
            chunked = true;
        } else if (req->has("Content-Length")) {
            const std::string value = Poco::trim(req->get("Content-Length"));
            if (header_count(*req, "Content-Length") != 1 || value.empty() || value.size() > 18 ||
                value.find_first_not_of("0123456789") != std::string::npos) {
                refuse(c, req.get(), {400, kBadRequest, "the Content-Length is not one number of bytes"}, false);
                return false;
            }
            length = std::stoull(value);
        }
        const bool has_body = chunked || length > 0;

        Admission admission;
        try {
            admission = handler.admit(*req);
        } catch (...) {
            admission.refuse = Refusal{500, "FERRY-INTERNAL", "the server failed while answering"};
        }
        if (admission.refuse) {
            refuse(c, req.get(), *admission.refuse, !has_body && req->getKeepAlive());
            return false;
        }
        if (length > admission.max_body) {  // refused before a byte of it is read
            refuse(c, req.get(), admission.too_large, false);
            return false;
        }
        if (has_body && req->getExpectContinue() && version == Poco::Net::HTTPMessage::HTTP_1_1)
            c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        c.request = std::move(req);
        c.body = std::make_unique<RequestBody>(limits.spool_dir, limits.memory_body);
        c.chunked.reset();
        if (chunked) c.chunked.emplace();
        c.body_left = c.body_total = length;
        c.max_body = admission.max_body;
        c.too_large = admission.too_large;
        c.phase = Phase::body;
        c.phase_start = Clock::now();
        c.moved = 0;
        c.deadline = c.phase_start + limits.body_timeout;
        return true;
    }

    void advance_body(Connection& c) {
        bool over = false, kept = true;
        std::size_t used = 0;
        if (c.chunked) {
            used = c.chunked->feed(c.in, [&](const char* data, std::size_t n) {
                if (c.body->size() + n > c.max_body) {
                    over = true;
                    return false;
                }
                kept = c.body->append(data, n);
                return kept;
            });
        } else {
            used = static_cast<std::size_t>(std::min<std::uint64_t>(c.body_left, c.in.size()));
            kept = c.body->append(c.in.data(), used);
            c.body_left -= used;
        }
        c.in.erase(0, used);
        c.moved += used;
        if (over) return refuse(c, c.request.get(), c.too_large, false);
        if (!kept)
            return refuse(c, c.request.get(), {500, "FERRY-WEB-STORAGE", "the server cannot store the request body"},
                          false);
        if (c.chunked && c.chunked->failed())
            return refuse(c, c.request.get(), {400, kBadRequest, "the chunked body is malformed: " + c.chunked->problem()},
                          false);
        if (c.chunked ? c.chunked->done() : c.body_left == 0) return dispatch(c);
        if (c.peer_done) {
            const std::string message =
                c.chunked ? "the connection ended inside the chunked body"
                          : "the connection ended after " + std::to_string(c.body_total - c.body_left) + " of " +
                                std::to_string(c.body_total) + " body bytes";
            return refuse(c, c.request.get(), {400, "FERRY-WEB-INCOMPLETE", message}, false);
        }
        // A minimum rate, not a gap between reads: a byte now and then does not keep it open.
        c.deadline = c.phase_start + limits.body_timeout + allowance(c.moved);
    }

    void dispatch(Connection& c) {
        c.request->set_body(std::move(c.body));
        c.chunked.reset();
        c.phase = Phase::handling;
        c.deadline = Clock::time_point::max();
        {
            std::lock_guard lock(jobs_mutex);
            jobs.push_back({c.id, std::move(c.request)});
        }
        jobs_cv.notify_one();
    }

    void begin_linger(Connection& c) {
        ::shutdown(c.fd, SHUT_WR);
        c.phase = Phase::lingering;
        c.in.clear();
        c.deadline = Clock::now() + limits.linger;
    }

    // Consumes what has been read, as far as the phase allows.
    void advance(Connection& c) {
        while (c.fd >= 0) {
            if (c.phase == Phase::head) {
                if (!advance_head(c)) return;
            } else if (c.phase == Phase::body) {
                advance_body(c);
                return;
            } else if (c.phase == Phase::lingering) {
                c.in.clear();
                if (c.peer_done) close_conn(c);
                return;
            } else {
                return;
            }
        }
    }

    // Sends a piece of the file body once the head is out; false when the connection is gone.
    // A file that ends before the length the head announced cannot be answered honestly: the
    // connection closes, so the client sees a short body, never another response's bytes.
    bool send_file(Connection& c) {
        std::size_t sent_now = 0;
        while (c.file && c.out_sent == c.out.size() && sent_now < kFilePerWakeup) {
            const std::uint64_t left = c.file->size() - c.file_sent;
            if (left == 0) {
                c.file.reset();
                break;
            }
            off_t offset = static_cast<off_t>(c.file_sent);
            const std::size_t piece = static_cast<std::size_t>(std::min<std::uint64_t>(left, kFilePerWakeup - sent_now));
            const ssize_t n = ::sendfile(c.fd, c.file->fd(), &offset, piece);
            if (n > 0) {
                c.file_sent += static_cast<std::uint64_t>(n);
                sent_now += static_cast<std::size_t>(n);
                c.moved += static_cast<std::uint64_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            close_conn(c);  // n == 0: the file shrank; or the socket failed
            return false;
        }
        return true;
    }

    // Writes what is queued; false when the connection is gone.
    bool flush(Connection& c) {
        while (c.out_sent < c.out.size()) {
            const ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
            if (n > 0) {
                c.out_sent += static_cast<std::size_t>(n);
                if (c.phase == Phase::writing) c.moved += static_cast<std::uint64_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            close_conn(c);
            return false;
        }
        if (!send_file(c)) return false;
        if (c.phase == Phase::writing) c.deadline = c.phase_start + limits.body_timeout + allowance(c.moved);
        if (c.out_sent == c.out.size()) {
            c.out.clear();
            c.out_sent = 0;
        }
        return true;
    }

    // Moves a connection as far as it can go without waiting, then tells epoll what it waits for.
    void pump(Connection& c) {
        while (c.fd >= 0) {
            advance(c);
            if (c.fd < 0) return;
            if ((!c.out.empty() || c.file) && !flush(c)) return;
            if (c.phase != Phase::writing || !c.out.empty() || c.file) break;
            // The answer is out.
            if (c.close_after) {
                begin_linger(c);
                continue;
            }
            c.phase = Phase::head;
            c.request_begun = false;
            c.deadline = Clock::now() + limits.idle_timeout;
        }
        settle(c);
    }

    void read_input(Connection& c) {
        std::size_t total = 0;
        while (c.fd >= 0 && !c.peer_done && total < kReadPerWakeup &&
               (c.phase == Phase::head || c.phase == Phase::body || c.phase == Phase::lingering)) {
            const ssize_t n = ::recv(c.fd, read_buf.data(), read_buf.size(), 0);
            if (n > 0) {
                total += static_cast<std::size_t>(n);
                if (c.phase != Phase::lingering) c.in.append(read_buf.data(), static_cast<std::size_t>(n));
                advance(c);  // consumes the body as it comes, so `in` stays small
                continue;
            }
            if (n == 0) {
                c.peer_done = true;
                advance(c);
                break;
            }
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) close_conn(c);
            break;
        }
    }

    void on_event(Connection& c, std::uint32_t events) {
        if (events & EPOLLERR) return close_conn(c);
        // Both directions gone while a worker has the request: nobody will read the answer.
        if ((events & EPOLLHUP) && c.phase == Phase::handling) return close_conn(c);
        if ((events & EPOLLOUT) && !flush(c)) return;
        if (events & (EPOLLIN | EPOLLHUP)) read_input(c);
        if (c.fd >= 0) pump(c);
    }

    void on_timeout(Connection& c) {
        switch (c.phase) {
            case Phase::head:
                if (!c.request_begun) return close_conn(c);  // idle: nothing to answer
                refuse(c, nullptr,
                       {408, kTimeout,
                        "the request head did not arrive within " + std::to_string(limits.header_timeout.count()) +
                            " ms"},
                       false);
                break;
            case Phase::body:
                refuse(c, c.request.get(),
                       {408, kTimeout,
                        "the request body arrived slower than " + std::to_string(limits.min_rate) +
                            " bytes a second"},
                       false);
                break;
            case Phase::handling:
                return;
            case Phase::writing:
            case Phase::lingering:
                return close_conn(c);
        }
        pump(c);
    }

    void take_done() {
        std::uint64_t count = 0;
        [[maybe_unused]] const ssize_t n = ::read(wake_fd, &count, sizeof count);
        std::vector<Done> ready;
        {
            std::lock_guard lock(done_mutex);
            ready.swap(done);
        }
        for (auto& d : ready) {
            const auto it = conns.find(d.conn);
            if (it == conns.end() || it->second->fd < 0) continue;  // the client went away
            Connection& c = *it->second;
            queue_response(c, *d.response, !d.keep_alive || !d.response->getKeepAlive() || stopping, d.head_only);
            pump(c);
        }
    }

    void begin_stop() {
        stopping = true;
        ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
        for (auto& [id, c] : conns) {
            if (c->phase == Phase::handling || c->phase == Phase::writing) c->close_after = true;
            else close_conn(*c);
        }
    }

    int next_timeout_ms() const {
        auto soonest = Clock::time_point::max();
        for (const auto& [id, c] : conns)
            if (c->fd >= 0) soonest = std::min(soonest, c->deadline);
        if (soonest == Clock::time_point::max()) return -1;
        const auto ms = std::chrono::duration_cast<milliseconds>(soonest - Clock::now()).count() + 1;
        return static_cast<int>(std::clamp<long long>(ms, 0, 60000));
    }

    void run() {
        std::vector<epoll_event> events(64);
        for (;;) {
            if (stop_requested.load() && !stopping) begin_stop();
            for (auto it = conns.begin(); it != conns.end();)
                it = it->second->fd < 0 ? conns.erase(it) : std::next(it);
            if (stopping && conns.empty()) return;
            const int n = ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), next_timeout_ms());
            if (n < 0 && errno != EINTR) return;
            for (int i = 0; i < n; ++i) {
                const std::uint64_t token = events[static_cast<std::size_t>(i)].data.u64;
                if (token == kListenToken) {
                    if (!stopping) accept_all();
                } else if (token == kWakeToken) {
                    take_done();
                } else if (const auto it = conns.find(token); it != conns.end() && it->second->fd >= 0) {
                    on_event(*it->second, events[static_cast<std::size_t>(i)].events);
                }
            }
            const auto now = Clock::now();
            for (auto& [id, c] : conns)
                if (c->fd >= 0 && c->deadline <= now) on_timeout(*c);
        }
    }
};

HttpFront::HttpFront(FrontLimits limits, HttpHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(limits), handler)) {}

HttpFront::~HttpFront() { stop(); }

void HttpFront::listen(const std::string& host, unsigned short port) {
    impl_->socket = std::make_unique<Poco::Net::ServerSocket>(Poco::Net::SocketAddress(host, port), 128);
    impl_->socket->setBlocking(false);
    impl_->listen_fd = impl_->socket->impl()->sockfd();
    ::fcntl(impl_->listen_fd, F_SETFD, FD_CLOEXEC);
    impl_->port = impl_->socket->address().port();
}

unsigned short HttpFront::port() const { return impl_->port; }

void HttpFront::start() {
    Impl& m = *impl_;
    m.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    m.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    m.spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (m.epoll_fd < 0 || m.wake_fd < 0) throw Poco::SystemException("cannot create the event loop");
    for (const auto& [fd, token] : {std::pair{m.listen_fd, kListenToken}, std::pair{m.wake_fd, kWakeToken}}) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = token;
        if (::epoll_ctl(m.epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0)
            throw Poco::SystemException("cannot watch the listening socket");
    }
    for (unsigned i = 0; i < std::max(1u, m.limits.threads); ++i) m.workers.emplace_back([&m] { m.work(); });
    m.loop_thread = std::thread([&m] { m.run(); });
}

void HttpFront::stop() {
    Impl& m = *impl_;
    if (m.loop_thread.joinable()) {
        m.stop_requested = true;
        m.wake();
        m.loop_thread.join();
    }
    {
        std::lock_guard lock(m.jobs_mutex);
        m.jobs_closed = true;
    }
    m.jobs_cv.notify_all();
    for (auto& w : m.workers) w.join();
    m.workers.clear();
    for (auto& [id, c] : m.conns) m.close_conn(*c);
    m.conns.clear();
    for (int* fd : {&m.epoll_fd, &m.wake_fd, &m.spare_fd})
        if (*fd >= 0) {
            ::close(*fd);
            *fd = -1;
        }
    m.socket.reset();
}

}  // namespace ferry::host::web
