#include "package/model.hpp"

namespace ferry::host {

namespace {

// A field added to a model type must be added to its fields() below too, or it is lost when the
// object goes to its spool: these sizes (x86-64, libstdc++) make the compiler say so.
static_assert(sizeof(Node) == 1240 && sizeof(Workflow) == 440 && sizeof(Resource) == 608 && sizeof(Table) == 480 &&
                  sizeof(Function) == 504 && sizeof(DataSource) == 448 && sizeof(Component) == 480 &&
                  sizeof(QualityRule) == 384 && sizeof(Service) == 320,
              "a model type changed: update its fields() in model_codec.cpp, then these sizes");

// Fields go through one of these two: `io(field)` writes it or reads it back.
void write_dependencies(SpoolWriter& w, const std::vector<Dependency>& v) {
    w.u64(v.size());
    for (const auto& d : v) {
        w.str(d.target);
        w.str(d.type);
    }
}

void skip_dependencies(SpoolReader& r) {
    for (std::uint64_t n = r.u64(); n > 0; --n) {
        r.view();
        r.view();
    }
}

struct Out {
    SpoolWriter w;
    void operator()(const std::string& s) { w.str(s); }
    void operator()(const std::vector<std::string>& v) { w.strings(v); }
    void operator()(const std::int64_t& v) { w.i64(v); }
    void operator()(const std::uint64_t& v) { w.u64(v); }
    void operator()(const bool& b) { w.boolean(b); }
    void operator()(const ContentRef& c) { write_content_ref(w, c); }
    void operator()(const std::vector<Dependency>& v) { write_dependencies(w, v); }
};

struct In {
    SpoolReader r;
    void operator()(std::string& s) { s = r.str(); }
    void operator()(std::vector<std::string>& v) { v = r.strings(); }
    void operator()(std::int64_t& v) { v = r.i64(); }
    void operator()(std::uint64_t& v) { v = r.u64(); }
    void operator()(bool& b) { b = r.boolean(); }
    void operator()(ContentRef& c) { read_content_ref(r, c); }
    void operator()(std::vector<Dependency>& v) {
        v.resize(static_cast<std::size_t>(r.u64()));
        for (auto& d : v) {
            d.target = r.str();
            d.type = r.str();
        }
    }
};

// Whether a field (by its address) is among those asked for: Skim reads them, Patch replaces them.
bool listed(std::initializer_list<const void*> fields, const void* field) {
    for (const void* f : fields)
        if (f == field) return true;
    return false;
}

// Passes over a content written by write_content_ref (defined beside it, so its layout is in one place).
void skip_content_ref(SpoolReader& r);

// Reads what `In` reads, but only the wanted strings, lists and contents (by their addresses in the
// object): the rest are skipped in place, with no allocation. Numbers and flags are always read.
struct Skim {
    SpoolReader r;
    std::initializer_list<const void*> wanted;
    bool want(const void* field) const { return listed(wanted, field); }
    void operator()(std::string& s) {
        if (want(&s)) s = r.str();
        else r.view();
    }
    void operator()(std::vector<std::string>& v) {
        if (want(&v)) v = r.strings();
        else r.skip_strings();
    }
    void operator()(std::int64_t& v) { v = r.i64(); }
    void operator()(std::uint64_t& v) { v = r.u64(); }
    void operator()(bool& b) { b = r.boolean(); }
    void operator()(ContentRef& c) {
        if (want(&c)) return read_content_ref(r, c);
        skip_content_ref(r);
    }
    void operator()(std::vector<Dependency>& v) {
        if (!want(&v)) return skip_dependencies(r);
        v.resize(static_cast<std::size_t>(r.u64()));
        for (auto& d : v) {
            d.target = r.str();
            d.type = r.str();
        }
    }
};

// Writes an object's bytes again: the wanted strings, lists and contents from `value` (by their
// addresses in it), every other field as its bytes were in `in`. Numbers and flags are always copied.
// Fields are walked only to find where the wanted ones are.
struct Patch {
    std::string_view in;
    SpoolReader r;
    std::string& out;
    std::initializer_list<const void*> wanted;
    std::size_t copied = 0;  // `in` up to here is in `out`
    bool want(const void* field) const { return listed(wanted, field); }
    // Passes over one field of `in` with `skip`; a wanted one is written from `value` with `write`,
    // after the bytes of the fields not wanted before it, copied in one piece.
    template <class Skip, class Write>
    void field(const void* at, Skip&& skip, Write&& write) {
        const std::size_t from = r.position();
        skip();
        if (!want(at)) return;
        out.append(in.substr(copied, from - copied));
        SpoolWriter w(out);
        write(w);
        copied = r.position();
    }
    void finish() { out.append(in.substr(copied)); }
    void operator()(const std::string& s) {
        field(&s, [&] { r.view(); }, [&](SpoolWriter& w) { w.str(s); });
    }
    void operator()(const std::vector<std::string>& v) {
        field(&v, [&] { r.skip_strings(); }, [&](SpoolWriter& w) { w.strings(v); });
    }
    void operator()(const ContentRef& c) {
        field(&c, [&] { skip_content_ref(r); }, [&](SpoolWriter& w) { write_content_ref(w, c); });
    }
    void operator()(const std::vector<Dependency>& v) {
        field(&v, [&] { skip_dependencies(r); }, [&](SpoolWriter& w) { write_dependencies(w, v); });
    }
    void operator()(const std::int64_t&) { field(nullptr, [&] { r.i64(); }, [](SpoolWriter&) {}); }
    void operator()(const std::uint64_t&) { field(nullptr, [&] { r.u64(); }, [](SpoolWriter&) {}); }
    void operator()(const bool&) { field(nullptr, [&] { r.boolean(); }, [](SpoolWriter&) {}); }
};

// std::size_t travels as uint64.
template <class IO, class S>
void size_field(IO& io, S& v) {
    std::uint64_t x = v;
    io(x);
    if constexpr (!std::is_const_v<S>) v = static_cast<std::size_t>(x);
}

template <class IO, class O>
void base(IO& io, O& o) {
    io(o.id);
    io(o.name);
    io(o.owner);
    io(o.source_path);
    io(o.folder);
    io(o.doc_kind);
    io(o.document);
}

template <class IO, class N>
void fields(IO& io, N& n, Node*) {
    base(io, n);
    for (auto* s : {&n.workflow, &n.command, &n.command_type_id, &n.engine_label, &n.language, &n.script_path,
                    &n.datasource_name, &n.datasource_type, &n.description, &n.resource_group, &n.resource_group_id,
                    &n.trigger_type, &n.cron, &n.start_time, &n.end_time, &n.timezone, &n.recurrence,
                    &n.instance_mode, &n.rerun_mode})
        io(*s);
    for (auto* i : {&n.rerun_times, &n.rerun_interval, &n.priority, &n.timeout}) io(*i);
    io(n.inputs);
    io(n.outputs);
    io(n.depends);
    io(n.parameters);
    io(n.code);
    io(n.inner);
    io(n.in_workflow);
    size_field(io, n.container);
    io(n.pointer);
    size_field(io, n.inner_count);
}

template <class IO, class W>
void fields(IO& io, W& w, Workflow*) {
    base(io, w);
    io(w.trigger_type);
    io(w.cron);
    io(w.parameters);
    io(w.depends);
    size_field(io, w.node_count);
}

template <class IO, class R>
void fields(IO& io, R& r, Resource*) {
    base(io, r);
    for (auto* s : {&r.type, &r.datasource_name, &r.datasource_type, &r.resource_group, &r.file_path}) io(*s);
    io(r.content);
}

template <class IO, class T>
void fields(IO& io, T& t, Table*) {
    base(io, t);
    for (auto* s : {&t.guid, &t.engine_type, &t.project, &t.schema, &t.ddl}) io(*s);
}

template <class IO, class F>
void fields(IO& io, F& f, Function*) {
    base(io, f);
    for (auto* s : {&f.type, &f.class_name, &f.datasource_name, &f.datasource_type}) io(*s);
    io(f.resources);
    io(f.embedded_code);
}

template <class IO, class D>
void fields(IO& io, D& d, DataSource*) {
    base(io, d);
    for (auto* s : {&d.type, &d.sub_type, &d.environment, &d.config}) io(*s);
}

template <class IO, class C>
void fields(IO& io, C& c, Component*) {
    base(io, c);
    io(c.command);
    io(c.code);
}

template <class IO, class Q>
void fields(IO& io, Q& q, QualityRule*) {
    base(io, q);
    io(q.table);
    io(q.scheduler_node);
}

template <class IO, class V>
void fields(IO& io, V& v, Service*) {
    base(io, v);
}

}  // namespace

void write_content_ref(SpoolWriter& w, const ContentRef& c) {
    w.boolean(c.present);
    w.boolean(c.is_inline);
    w.str(c.inline_text);
    w.str(c.entry_path);
    w.str(c.spool_path);
    w.u64(c.offset);
    w.u64(c.size);
}

void read_content_ref(SpoolReader& r, ContentRef& c) {
    c.present = r.boolean();
    c.is_inline = r.boolean();
    c.inline_text = r.str();
    c.entry_path = r.str();
    c.spool_path = r.str();
    c.offset = r.u64();
    c.size = r.u64();
}

namespace {
void skip_content_ref(SpoolReader& r) {
    r.boolean();  // present
    r.boolean();  // is_inline
    r.view();     // inline_text
    r.view();     // entry_path
    r.view();     // spool_path
    r.u64();      // offset
    r.u64();      // size
}
}  // namespace

#define FERRY_MODEL_CODEC(T)                                   \
    void encode(const T& value, std::string& out) {            \
        Out io{SpoolWriter(out)};                              \
        fields(io, value, static_cast<T*>(nullptr));           \
    }                                                          \
    void decode(std::string_view in, T& value) {               \
        In io{SpoolReader(in)};                                \
        fields(io, value, static_cast<T*>(nullptr));           \
    }                                                          \
    void decode_fields(std::string_view in, T& value,          \
                       std::initializer_list<const void*> wanted) { \
        Skim io{SpoolReader(in), wanted};                      \
        fields(io, value, static_cast<T*>(nullptr));           \
    }                                                          \
    void encode_fields(std::string_view in, const T& value,    \
                       std::initializer_list<const void*> replaced, std::string& out) { \
        Patch io{in, SpoolReader(in), out, replaced};          \
        fields(io, value, static_cast<T*>(nullptr));           \
        io.finish();                                           \
    }

FERRY_MODEL_TYPES(FERRY_MODEL_CODEC)
#undef FERRY_MODEL_CODEC

}  // namespace ferry::host
