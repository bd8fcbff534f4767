// One object of a type per thread, made when the thread first asks for it and destroyed when the
// thread exits: the caches that let a request take no lock (the frame pool, the read buffers,
// the spare storage of dropped values).
#pragma once

#include <new>

namespace httpxx::detail {

template <class T>
class PerThread {
 public:
  // The calling thread's object, or null if it has not made one or its exit destroyed it.
  static T* get() noexcept { return instance_; }

  // The calling thread's object, made if it has none yet; null once the thread's exit has
  // destroyed it (a value freed by another thread-local object's destructor is then released
  // directly), or if it could not be allocated.
  static T* get_or_make() noexcept {
    if (instance_ == nullptr && !destroyed_) [[unlikely]] make();
    return instance_;
  }

 private:
  [[gnu::noinline]] static void make() noexcept {
    static_cast<void>(&owner_);   // constructed first, so that its destructor frees the object
    instance_ = new (std::nothrow) T;
  }

  struct Owner {
    ~Owner() {
      delete instance_;
      instance_ = nullptr;
      destroyed_ = true;
    }
  };

  // Trivially destructible, so they stay usable while the thread's other objects are destroyed.
  // Initial-exec: reached at a fixed offset from the thread pointer rather than by a call to
  // __tls_get_addr, which in a shared library every access of the default model makes, several
  // per pooled request; 9 bytes of static TLS per type, so that the library can still be loaded
  // with dlopen.
  [[gnu::tls_model("initial-exec")]] static inline thread_local constinit T* instance_ = nullptr;
  [[gnu::tls_model("initial-exec")]] static inline thread_local constinit bool destroyed_ = false;
  static inline thread_local Owner owner_;
};

}  // namespace httpxx::detail
