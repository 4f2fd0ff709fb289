// Objects kept on disk instead of in memory, so what check, preview, plan and import hold grows
// with nothing but a 16-byte slot per object (issue 15: memory flat in the number of objects).
//
// An ObjectSpool is one anonymous temporary file (created in TMPDIR and unlinked at once, so a
// crash leaves nothing behind), written append-only: bytes once written never change, so copies of
// a list can share it. An ObjectList<T> is an ordered list of T stored there, encoded by the
// `encode`/`decode` overloads for T (see package/model_codec.hpp, task/plan_codec.hpp). Reading an
// element decodes a fresh copy: `list[i]` and the iterator give values, and `const T` ones, so that
// `list[i].field = x` does not compile instead of silently changing a temporary; a change is
// written back with `set(i, value)`.
//
// Each slot also keeps a one-byte tag chosen by `spool_tag(const T&)` (a node's "inner" flag, a
// planned object's action), so counting by it reads nothing from disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/read_windows.hpp"

namespace ferry::host {

// The temporary file could not be created, written or read (disk full, TMPDIR not writable).
class SpoolError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class ObjectSpool {
  public:
    ObjectSpool();  // throws SpoolError
    ~ObjectSpool();
    ObjectSpool(const ObjectSpool&) = delete;
    ObjectSpool& operator=(const ObjectSpool&) = delete;

    // Appends the bytes; returns where they start.
    std::uint64_t append(std::string_view bytes);
    // Reads `size` bytes at `offset` into `out` (replacing its content).
    void read(std::uint64_t offset, std::uint32_t size, std::string& out);

  private:
    void flush_locked();

    std::mutex mutex_;
    int fd_ = -1;
    std::uint64_t flushed_ = 0;  // bytes in the file
    std::string pending_;        // bytes after flushed_, not written yet
    // A pass over a list reads one window at a time (util/read_windows.hpp).
    ReadWindows windows_;
};

template <class T>
std::uint8_t spool_tag(const T&) {
    return 0;
}

template <class T>
class ObjectList {
  public:
    class const_iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using reference = const T;
        using pointer = void;
        const_iterator() = default;
        const_iterator(const ObjectList* list, std::size_t i) : list_(list), i_(i) {}
        const T operator*() const { return (*list_)[i_]; }
        const_iterator& operator++() {
            ++i_;
            return *this;
        }
        bool operator==(const const_iterator& o) const { return i_ == o.i_; }
        bool operator!=(const const_iterator& o) const { return i_ != o.i_; }

      private:
        const ObjectList* list_ = nullptr;
        std::size_t i_ = 0;
    };

    std::size_t size() const { return slots_.size(); }
    bool empty() const { return slots_.empty(); }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, slots_.size()}; }

    const T operator[](std::size_t i) const {
        T out;
        std::string bytes;
        spool_->read(slots_.at(i).offset, slots_[i].size, bytes);
        decode(bytes, out);
        return out;
    }
    // Element i into `out`, reading only the fields of `out` whose addresses are in `wanted`;
    // strings and lists not wanted are skipped, and keep the values `out` had (read into a fresh
    // T). For a pass over every element that needs a few of its fields: reading all of a node's
    // forty was most of such a pass. Needs decode_fields(bytes, T&, wanted) for T.
    void read_fields(std::size_t i, T& out, std::initializer_list<const void*> wanted) const {
        std::string bytes;
        spool_->read(slots_.at(i).offset, slots_[i].size, bytes);
        decode_fields(bytes, out, wanted);
    }
    const T front() const { return (*this)[0]; }
    const T back() const { return (*this)[slots_.size() - 1]; }

    void push_back(const T& value) { slots_.push_back(write(value)); }
    // Replaces element i (the new bytes are appended; the old ones stay, unread).
    void set(std::size_t i, const T& value) { slots_.at(i) = write(value); }
    // Replaces the strings, lists and contents of element i whose addresses in `value` are in
    // `fields` by value's, and keeps every other field's bytes as they were (set() decoded and
    // encoded a whole node to give it its code file, 100,000 times in a large package). Numbers
    // and flags are always kept, so the tag is too. Needs encode_fields(old, value, fields, out) for T.
    void set_fields(std::size_t i, const T& value, std::initializer_list<const void*> fields) {
        std::string old, bytes;
        spool_->read(slots_.at(i).offset, slots_[i].size, old);
        encode_fields(old, value, fields, bytes);
        if (bytes.size() > UINT32_MAX) throw SpoolError("an object is larger than 4 GiB");
        slots_[i].size = static_cast<std::uint32_t>(bytes.size());
        slots_[i].offset = spool_->append(bytes);
    }
    void clear() {
        slots_.clear();
        slots_.shrink_to_fit();
    }

    std::uint8_t tag(std::size_t i) const { return slots_.at(i).tag; }
    std::size_t count_tag(std::uint8_t t) const {
        std::size_t n = 0;
        for (const auto& s : slots_) n += s.tag == t;
        return n;
    }

  private:
    struct Slot {
        std::uint64_t offset = 0;
        std::uint32_t size = 0;
        std::uint8_t tag = 0;
    };

    Slot write(const T& value) {
        if (!spool_) spool_ = std::make_shared<ObjectSpool>();
        std::string bytes;
        encode(value, bytes);
        if (bytes.size() > UINT32_MAX) throw SpoolError("an object is larger than 4 GiB");
        Slot s;
        s.size = static_cast<std::uint32_t>(bytes.size());
        s.offset = spool_->append(bytes);
        s.tag = spool_tag(value);
        return s;
    }

    std::shared_ptr<ObjectSpool> spool_;  // shared by copies: append-only, so they never see each other's writes
    std::vector<Slot> slots_;
};

// The small binary form the codecs write: integers little-endian, strings length-prefixed.
class SpoolWriter {
  public:
    explicit SpoolWriter(std::string& out) : out_(out) {}
    // Inline for the one-byte case (lengths, flags, small counts): every field of every object
    // written or read passes through here.
    void u64(std::uint64_t v) {
        if (v < 0x80) out_.push_back(static_cast<char>(v));
        else u64_long(v);
    }
    void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void boolean(bool b) { out_.push_back(b ? 1 : 0); }
    void str(const std::string& s);
    void strings(const std::vector<std::string>& v);

  private:
    void u64_long(std::uint64_t v);
    std::string& out_;
};

class SpoolReader {
  public:
    explicit SpoolReader(std::string_view in) : in_(in) {}
    std::uint64_t u64() {
        if (at_ < in_.size() && static_cast<unsigned char>(in_[at_]) < 0x80)
            return static_cast<unsigned char>(in_[at_++]);
        return u64_long();
    }
    std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
    bool boolean();
    std::string str();
    std::string_view view();  // a string's bytes, in place: no copy for a field that is skipped
    std::size_t position() const { return at_; }
    std::vector<std::string> strings();
    void skip_strings();

  private:
    std::uint64_t u64_long();
    void need(std::size_t n) const;
    std::string_view in_;
    std::size_t at_ = 0;
};

}  // namespace ferry::host
