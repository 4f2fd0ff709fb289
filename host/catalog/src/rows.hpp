// How Poco Data reads catalog rows into the public structs, so a query fills a std::vector of them.
// Column order is the order of the *_COLUMNS lists below; queries must select exactly those.
#pragma once

#include <string>

#include <Poco/Data/LOB.h>
#include <Poco/Data/TypeHandler.h>
#include <Poco/Data/DataException.h>

#include "ferry/catalog/catalog.hpp"

namespace ferry::catalog::rows {

inline constexpr const char* OBJECT_COLUMNS =
    "kind, name, owner, resource_group, engine_instance, dry_run, version, sha256, content, document, path, revision, "
    "remote_id, remote_version";
inline constexpr const char* TASK_COLUMNS =
    "name, workspace, state, remarks, settings, config_path, package_path, package_size, package_sha256, "
    "source_plugin, importer, created_by, created_at, started_at, finished_at, report, claimed_by, claimed_at, kind";
inline constexpr const char* JOURNAL_COLUMNS =
    "task, kind, name, action, status, message, owner_before, owner_after, engine_instance, sha256, updated_at, "
    "changes, remote";

// Walks the columns of one row in order.
class Reader {
  public:
    Reader(std::size_t pos, Poco::Data::AbstractExtractor::Ptr ext) : pos_(pos), ext_(std::move(ext)) {}
    void text(std::string& out) {
        out.clear();
        Poco::Data::TypeHandler<std::string>::extract(pos_++, out, std::string(), ext_);
    }
    void int64(std::int64_t& out) {
        Poco::Int64 v = 0;
        Poco::Data::TypeHandler<Poco::Int64>::extract(pos_++, v, 0, ext_);
        out = v;
    }
    void bytes(std::string& out) {
        Poco::Data::BLOB blob;
        Poco::Data::TypeHandler<Poco::Data::BLOB>::extract(pos_++, blob, Poco::Data::BLOB(), ext_);
        if (blob.size() > 0)
            out.assign(reinterpret_cast<const char*>(blob.rawContent()), blob.size());
        else
            out.clear();
    }
    template <typename T, typename Parse>
    void parsed(T& out, Parse parse, const char* what) {
        std::string s;
        text(s);
        auto v = parse(s);
        if (!v) throw Poco::Data::DataException(std::string("unknown ") + what + " '" + s + "' in the catalog");
        out = *v;
    }

  private:
    std::size_t pos_;
    Poco::Data::AbstractExtractor::Ptr ext_;
};

// Tells the preparator each column's C++ type, in order.
class Preparer {
  public:
    Preparer(std::size_t pos, Poco::Data::AbstractPreparator::Ptr prep) : pos_(pos), prep_(std::move(prep)) {}
    void text(const std::string& s) { Poco::Data::TypeHandler<std::string>::prepare(pos_++, s, prep_); }
    // Columns converted on the way out have no member to point at; a preparator may keep the
    // address (ODBC does), so these stand-ins live as long as the program.
    void int64() {
        static const Poco::Int64 stand_in = 0;
        Poco::Data::TypeHandler<Poco::Int64>::prepare(pos_++, stand_in, prep_);
    }
    void bytes() {
        static const Poco::Data::BLOB stand_in;
        Poco::Data::TypeHandler<Poco::Data::BLOB>::prepare(pos_++, stand_in, prep_);
    }
    void other() {
        static const std::string stand_in;
        text(stand_in);
    }

  private:
    std::size_t pos_;
    Poco::Data::AbstractPreparator::Ptr prep_;
};

}  // namespace ferry::catalog::rows

namespace Poco::Data {

template <>
class TypeHandler<ferry::sdk::ObjectRecord> {
  public:
    static std::size_t size() { return 14; }
    static void extract(std::size_t pos, ferry::sdk::ObjectRecord& o, const ferry::sdk::ObjectRecord&,
                        AbstractExtractor::Ptr ext) {
        ferry::catalog::rows::Reader r(pos, ext);
        r.parsed(o.kind, ferry::catalog::object_kind_from_string, "object kind");
        r.text(o.name);
        r.text(o.owner);
        r.text(o.resource_group);
        r.text(o.engine_instance);
        std::int64_t dry = 0;
        r.int64(dry);
        o.dry_run = dry != 0;
        r.int64(o.version);
        r.text(o.sha256);
        r.bytes(o.content);
        r.text(o.document);
        r.text(o.path);
        r.int64(o.revision);
        r.text(o.remote_id);
        r.text(o.remote_version);
    }
    static void prepare(std::size_t pos, const ferry::sdk::ObjectRecord& o, AbstractPreparator::Ptr prep) {
        ferry::catalog::rows::Preparer p(pos, prep);
        p.other();
        p.text(o.name);
        p.text(o.owner);
        p.text(o.resource_group);
        p.text(o.engine_instance);
        p.int64();
        p.int64();
        p.text(o.sha256);
        p.bytes();
        p.text(o.document);
        p.text(o.path);
        p.int64();
        p.text(o.remote_id);
        p.text(o.remote_version);
    }
};

template <>
class TypeHandler<ferry::catalog::Task> {
  public:
    static std::size_t size() { return 19; }
    static void extract(std::size_t pos, ferry::catalog::Task& t, const ferry::catalog::Task&,
                        AbstractExtractor::Ptr ext) {
        ferry::catalog::rows::Reader r(pos, ext);
        for (std::string* f : {&t.name, &t.workspace, &t.state, &t.remarks, &t.settings, &t.config_path,
                               &t.package_path})
            r.text(*f);
        r.int64(t.package_size);
        for (std::string* f : {&t.package_sha256, &t.source_plugin, &t.importer, &t.created_by, &t.created_at,
                               &t.started_at, &t.finished_at, &t.report, &t.claimed_by, &t.claimed_at, &t.kind})
            r.text(*f);
    }
    static void prepare(std::size_t pos, const ferry::catalog::Task& t, AbstractPreparator::Ptr prep) {
        ferry::catalog::rows::Preparer p(pos, prep);
        for (const std::string* f : {&t.name, &t.workspace, &t.state, &t.remarks, &t.settings, &t.config_path,
                                     &t.package_path})
            p.text(*f);
        p.int64();
        for (const std::string* f : {&t.package_sha256, &t.source_plugin, &t.importer, &t.created_by,
                                     &t.created_at, &t.started_at, &t.finished_at, &t.report, &t.claimed_by,
                                     &t.claimed_at, &t.kind})
            p.text(*f);
    }
};

template <>
class TypeHandler<ferry::catalog::JournalEntry> {
  public:
    static std::size_t size() { return 13; }
    static void extract(std::size_t pos, ferry::catalog::JournalEntry& j, const ferry::catalog::JournalEntry&,
                        AbstractExtractor::Ptr ext) {
        ferry::catalog::rows::Reader r(pos, ext);
        r.text(j.task);
        r.parsed(j.kind, ferry::catalog::object_kind_from_string, "object kind");
        r.text(j.name);
        r.parsed(j.action, ferry::catalog::action_from_string, "action");
        r.parsed(j.status, ferry::catalog::journal_status_from_string, "journal status");
        for (std::string* f : {&j.message, &j.owner_before, &j.owner_after, &j.engine_instance, &j.sha256,
                               &j.updated_at, &j.changes, &j.remote})
            r.text(*f);
    }
    static void prepare(std::size_t pos, const ferry::catalog::JournalEntry& j, AbstractPreparator::Ptr prep) {
        ferry::catalog::rows::Preparer p(pos, prep);
        p.text(j.task);
        p.other();
        p.text(j.name);
        p.other();
        p.other();
        for (const std::string* f : {&j.message, &j.owner_before, &j.owner_after, &j.engine_instance, &j.sha256,
                                     &j.updated_at, &j.changes, &j.remote})
            p.text(*f);
    }
};

template <>
class TypeHandler<ferry::catalog::WorkspaceLock> {
  public:
    static std::size_t size() { return 5; }
    static void extract(std::size_t pos, ferry::catalog::WorkspaceLock& l, const ferry::catalog::WorkspaceLock&,
                        AbstractExtractor::Ptr ext) {
        ferry::catalog::rows::Reader r(pos, ext);
        for (std::string* f : {&l.workspace, &l.task, &l.holder, &l.since, &l.renewed_at}) r.text(*f);
    }
    static void prepare(std::size_t pos, const ferry::catalog::WorkspaceLock& l, AbstractPreparator::Ptr prep) {
        ferry::catalog::rows::Preparer p(pos, prep);
        for (const std::string* f : {&l.workspace, &l.task, &l.holder, &l.since, &l.renewed_at}) p.text(*f);
    }
};

template <>
class TypeHandler<ferry::catalog::Workspace> {
  public:
    static std::size_t size() { return 2; }
    static void extract(std::size_t pos, ferry::catalog::Workspace& w, const ferry::catalog::Workspace&,
                        AbstractExtractor::Ptr ext) {
        ferry::catalog::rows::Reader r(pos, ext);
        r.text(w.name);
        r.text(w.created_at);
    }
    static void prepare(std::size_t pos, const ferry::catalog::Workspace& w, AbstractPreparator::Ptr prep) {
        ferry::catalog::rows::Preparer p(pos, prep);
        p.text(w.name);
        p.text(w.created_at);
    }
};

}  // namespace Poco::Data
