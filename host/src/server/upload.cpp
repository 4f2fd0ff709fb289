#include "server/upload.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <streambuf>

#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>

namespace ferry::host::web {
namespace fs = std::filesystem;

namespace {

std::string safe_name(const std::string& name) {
    std::string base = fs::path(name).filename().string(), out;
    for (char c : base)
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') out += c;
    while (!out.empty() && out.front() == '.') out.erase(out.begin());
    return out.empty() ? "package.zip" : out.substr(0, 100);
}

class PrivateFile {
  public:
    explicit PrivateFile(const std::string& dir) {
        std::string tmpl = (fs::path(dir) / "upload.XXXXXX").string();
        fd_ = ::mkstemp(tmpl.data());  // 0600 by construction
        if (fd_ >= 0) path_ = tmpl;
    }
    ~PrivateFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!kept_ && !path_.empty()) ::unlink(path_.c_str());
    }
    bool ok() const { return fd_ >= 0; }
    bool write(const char* data, std::size_t n) {
        while (n > 0) {
            const ssize_t w = ::write(fd_, data, n);
            if (w <= 0) return false;
            data += w;
            n -= static_cast<std::size_t>(w);
        }
        return true;
    }
    std::string keep() {
        kept_ = true;
        ::close(fd_);
        fd_ = -1;
        return path_;
    }

  private:
    int fd_ = -1;
    std::string path_;
    bool kept_ = false;
};

// Passes the body through and remembers whether it ran out. Poco's reader stops right after the
// closing delimiter and treats the end of its input as the end of the last part, so reaching the
// end means the form was cut short (a client gone mid-upload, a form without its last line).
class EndWatch : public std::streambuf {
  public:
    explicit EndWatch(std::streambuf* source) : source_(source) {}
    bool reached_end() const { return reached_end_; }

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        const std::streamsize n = source_->sgetn(buf_, sizeof buf_);
        if (n <= 0) {
            reached_end_ = true;
            return traits_type::eof();
        }
        setg(buf_, buf_, buf_ + n);
        return traits_type::to_int_type(buf_[0]);
    }

  private:
    std::streambuf* source_;
    char buf_[16 << 10];
    bool reached_end_ = false;
};

}  // namespace

void drain(std::istream& body, std::uint64_t limit) {
    char buf[64 << 10];
    std::uint64_t seen = 0;
    try {
        while (seen < limit) {
            body.read(buf, sizeof buf);
            if (body.gcount() <= 0) break;
            seen += static_cast<std::uint64_t>(body.gcount());
        }
    } catch (...) {
        // the peer went away: nothing left to drain
    }
}

UploadOutcome read_multipart(std::istream& body, const std::string& content_type, const UploadLimits& limits,
                             const std::string& spool_dir, Upload& out) {
    UploadOutcome result;
    auto bad = [&](UploadStatus s, std::string m) {
        result.status = s;
        result.message = std::move(m);
        return result;
    };
    std::string boundary;
    try {
        Poco::Net::MediaType type(content_type);
        if (!type.matches("multipart", "form-data"))
            return bad(UploadStatus::bad_form, "the body must be multipart/form-data, not " + content_type);
        if (type.hasParameter("boundary")) boundary = type.getParameter("boundary");
    } catch (const Poco::Exception&) {
        return bad(UploadStatus::bad_form, "the Content-Type is not a media type");
    }
    if (boundary.empty()) return bad(UploadStatus::bad_form, "the multipart Content-Type has no boundary");

    std::unique_ptr<PrivateFile> file;
    EndWatch watch(body.rdbuf());
    std::istream watched(&watch);
    try {
        Poco::Net::MultipartReader reader(watched, boundary);
        std::size_t parts = 0;
        while (reader.hasNextPart()) {
            if (++parts > limits.max_parts) return bad(UploadStatus::bad_form, "the form has too many parts");
            Poco::Net::MessageHeader headers;
            reader.nextPart(headers);
            std::string disposition;
            Poco::Net::NameValueCollection params;
            Poco::Net::MessageHeader::splitParameters(headers.get("Content-Disposition", ""), disposition, params);
            const std::string name = params.get("name", "");
            std::istream& in = reader.stream();
            char buf[64 << 10];
            if (params.has("filename")) {
                if (file) return bad(UploadStatus::bad_form, "send one file only");
                file = std::make_unique<PrivateFile>(spool_dir);
                if (!file->ok()) return bad(UploadStatus::bad_form, "the server cannot store the upload");
                out.file_field = name;
                out.file_name = safe_name(params.get("filename", ""));
                while (in.read(buf, sizeof buf), in.gcount() > 0) {
                    out.file_size += static_cast<std::uint64_t>(in.gcount());
                    if (out.file_size > limits.max_file)
                        return bad(UploadStatus::too_large, "the package is larger than " +
                                                                std::to_string(limits.max_file) + " bytes");
                    if (!file->write(buf, static_cast<std::size_t>(in.gcount())))
                        return bad(UploadStatus::bad_form, "the server cannot store the upload");
                }
            } else {
                std::string value;
                while (in.read(buf, sizeof buf), in.gcount() > 0) {
                    value.append(buf, static_cast<std::size_t>(in.gcount()));
                    if (value.size() > limits.max_field)
                        return bad(UploadStatus::too_large, "the form field '" + name + "' is too long");
                }
                out.fields[name] = value;
            }
        }
    } catch (const Poco::Exception& e) {
        return bad(UploadStatus::bad_form, "the multipart body is malformed: " + e.message());
    } catch (const std::exception& e) {
        return bad(UploadStatus::bad_form, std::string("the multipart body is malformed: ") + e.what());
    }
    if (watch.reached_end()) return bad(UploadStatus::bad_form, "the multipart body ends before its closing boundary");
    if (file) out.file_path = file->keep();
    return result;
}

}  // namespace ferry::host::web
