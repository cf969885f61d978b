/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file serve.h
 * @brief Serving a mediated device to a guest: opening the device for a guest, and the
 *        server around the QEMU 7.2 mpqemu frontend (sandbox, privilege drop, signals,
 *        quiescing), so that a VMM or a libvirt hook can embed what `pcigate serve`,
 *        `view` and `session` do (docs/serve.md). The CLI only parses options.
 *
 * Errors: functions return 0 (or a documented positive value) or a negative errno; where a
 * struct pg_guest_error is passed it receives one line naming the bad input. The library
 * never prints: a server reports through its log callback (syslog levels, no newline) and
 * writes audit and trace records only to the fds its caller gave it.
 *
 * Thread-safety: objects must not be used from two threads at once. pg_serve_attach() and
 * pg_serve_loop() change process-wide state (signal handlers, credentials, a seccomp
 * filter): at most one server per process, as `pcigate launch` does (one process per
 * device).
 */
#ifndef PCIGATE_SERVE_H
#define PCIGATE_SERVE_H

#include <pcigate/export.h>
#include <pcigate/policy.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pg_backend;
struct pg_policy;
struct pg_policy_entry;

/* ---- a device opened for a guest ---------------------------------------------------- */

/** A device as a guest will see it, before any mediator: its backend and policy entry. */
struct pg_guest_dev {
	struct pg_backend *be;                /**< owned: a model, or a read-only sysfs device */
	struct pg_policy *policy;             /**< owned; NULL without a policy file */
	const struct pg_policy_entry *entry;  /**< borrowed from policy; NULL when none matches */
	bool live;                            /**< a host device (sysfs), never written */
	bool vfio;                            /**< "vfio:BDF": bound to vfio-pci, written */
	size_t ndevs;                         /**< devices in the dump (the first is used); 1 live */
	char slot[32];                        /**< the dump's slot, or the canonical BDF */
	char desc[160];                       /**< the dump's description, or class and IDs */
	uint32_t ids;                         /**< vendor | device << 16, for messages */
};

/** Why opening failed: one line naming the input (no trailing newline). */
struct pg_guest_error {
	char msg[320];
};

/**
 * Open a device for a guest, exactly as `pcigate view`, `session` and `serve` do.
 * @param device     borrowed: "vfio:BDF" is a device bound to vfio-pci, opened through
 *                   the vfio backend (writable: what the mediator passes reaches it); an
 *                   existing path is an `lspci -x` dump file (its first device is
 *                   modelled); otherwise a BDF names a live host device, opened read-only
 *                   through sysfs (only config and resource are read)
 * @param policy     borrowed, may be NULL: a policy file; the entry matching the device's
 *                   IDs is looked up (ret->entry NULL when none matches)
 * @param sysfs_root borrowed, may be NULL (/sys)
 * @param ret        out: filled on success only; release with pg_guest_close()
 * @param err        out, may be NULL: on failure "DEVICE: reason" or "--policy FILE: ..."
 * @return 0, -EINVAL (NULL device/ret, malformed dump or policy, a bad BDF after vfio:),
 *         -ENODEV (no such PCI device), -E2BIG, -ENOMEM, -EIO (the device's IDs cannot be
 *         read), pg_backend_vfio_open()'s errors (-EBUSY: group not viable, -EPERM: no
 *         interrupt remapping) or another negative errno from reading the inputs.
 */
PG_EXPORT PG_MUST_CHECK int pg_guest_open(const char *device, const char *policy,
					  const char *sysfs_root, struct pg_guest_dev *ret,
					  struct pg_guest_error *err);

/**
 * The policy lookup key of an open device, read from its config space: IDs, revision,
 * class code and (when its slot is a PCI address) the slot.
 * @param g   borrowed, opened by pg_guest_open()
 * @param ret out
 * @return 0, -EINVAL (NULL argument), -EIO (config space unreadable).
 */
PG_EXPORT PG_MUST_CHECK int pg_guest_policy_key(const struct pg_guest_dev *g,
						struct pg_policy_device *ret);

/**
 * One line naming the policy entry applied to g, for logs and audit records:
 * "FILE:LINE KEY "NAME" (profile P)", or "none (default: ...)" when no entry matched.
 * @param policy borrowed, the policy file name (may be NULL)
 * @param buf    out, NUL-terminated (truncated to size)
 * @return the length snprintf() would have written.
 */
PG_EXPORT int pg_guest_entry_describe(const struct pg_guest_dev *g, const char *policy,
				      char *buf, size_t size);

/** Close the backend and free the policy; g is zeroed. NULL is accepted. */
PG_EXPORT void pg_guest_close(struct pg_guest_dev *g);

/**
 * The one decision every serving command (view, session, serve, launch) shares: whether a
 * device opened by pg_guest_open() may be given to a guest. A device `pcigate inspect`
 * rates HIGH (a malformed capability chain, an MSI-X table outside any usable BAR, a
 * device that does not answer; include/pcigate/inspect.h) is refused unless force, or
 * unless the policy matched an entry for it
 * (g->entry): an operator who wrote one has looked at the device. The "bridge" and
 * "header-unsupported" findings are not judged here: the mediator refuses every
 * non-endpoint, forced or not, naming its header.
 * @param g      borrowed: an open device
 * @param device borrowed: its name for the message
 * @param force  accept the device whatever its findings (--force)
 * @param err    out, may be NULL: on refusal "DEVICE: refused, `pcigate inspect` rates it
 *               HIGH (CODE: WHY; ...); --force or a policy entry for the device accepts it"
 * @return 0 (accepted), -EPERM (refused), -EINVAL (NULL g/device), -ENOMEM, or the
 *         backend's error reading config space. Reads config space only; reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_guest_check(const struct pg_guest_dev *g, const char *device,
					   bool force, struct pg_guest_error *err);

/* ---- a server --------------------------------------------------------------------------- */

struct pg_serve;

/** Log sink: syslog level and one message without a trailing newline. */
typedef void (*pg_serve_log_fn)(void *data, int level, const char *msg);

/** What to serve and how. Fields are borrowed for the lifetime of the server. */
struct pg_serve_config {
	const char *device;          /**< required: dump path or BDF (pg_guest_open()) */
	enum pg_profile profile;     /**< replaced by the policy entry's profile when one matches */
	const char *policy;          /**< may be NULL */
	const char *sysfs_root;      /**< may be NULL */
	const char *user;            /**< run as after setup; NULL: root drops to "nobody" */
	bool no_sandbox;             /**< no privilege drop, no seccomp (debugging only) */
	bool force;                  /**< serve a device inspect rates HIGH (pg_guest_check()) */
	int audit_fd;                /**< JSON Lines audit records; -1: none (default) */
	int trace_fd;                /**< JSON Lines backend trace (docs/serve.md); -1: none */
	pg_serve_log_fn log;         /**< may be NULL */
	void *log_data;
	/** 0, or the size of the expansion ROM QEMU serves from its romfile= (passed with the
	 *  same romsize=): the guest sees a ROM BAR of this size instead of the device's ROM
	 *  (pg_mediator_config.vmm_rom_size; -EINVAL from pg_serve_new() unless a power of two
	 *  from 2 KiB to 16 MiB). */
	uint32_t rom_size;
};

/** Defaults: guest profile, audit_fd and trace_fd -1, everything else zero. */
PG_EXPORT void pg_serve_config_init(struct pg_serve_config *c);

/**
 * Open the device and policy, build the mediator and, with trace_fd, the backend trace.
 * Nothing is sandboxed yet: the caller may still open what it needs (a listening socket).
 * @param c   borrowed until pg_serve_free()
 * @param ret out, written on success only
 * Process-wide: SIGPIPE is ignored from here on (opening the device may already log, and
 * a closed stderr must be an EPIPE on that write, not death).
 * @return 0, -EINVAL (NULL c/ret/device), pg_guest_open()'s errors, the mediator's errors
 *         (-EINVAL for a bridge), -ENOMEM. Each failure is logged (LOG_ERR) first.
 */
PG_EXPORT PG_MUST_CHECK int pg_serve_new(const struct pg_serve_config *c,
					 struct pg_serve **ret);

/**
 * Take the connected AF_UNIX stream socket, install the SIGTERM/SIGINT handlers (stop
 * serving and quiesce, docs/serve.md "Stopping") and the sandbox: drop privileges to
 * c->user (root without one: "nobody"), set no_new_privs and load the seccomp allow-list
 * (a refused call fails with EPERM). Afterwards the process cannot open files, create or
 * connect sockets, exec or ptrace.
 * @param sockfd owned from the call on, whatever the result (closed by pg_serve_free())
 * Also process-wide: SIGPIPE is ignored (a closed stderr must not kill the server before
 * it quiesces), a parent-death signal set by the caller survives the privilege drop, and
 * the socket's sends time out after 2 s (a peer that never reads its replies cannot leave
 * the server blocked in send(), deaf to SIGTERM).
 * @return 0, -EINVAL (NULL s, already attached), -ENOTSOCK (not an AF_UNIX stream
 *         socket), -ENOTCONN (not connected, e.g. listening), -EPERM/-ENOENT (the user
 *         cannot be switched to), the seccomp load's
 *         errno, -ENOMEM. Each failure is logged.
 */
PG_EXPORT PG_MUST_CHECK int pg_serve_attach(struct pg_serve *s, int sockfd);

/** pg_serve_loop()'s result: the connection was closed on an error. */
#define PG_SERVE_CLOSED 1

/** pg_serve_accept(): stopped by SIGTERM/SIGINT before any connection. */
#define PG_SERVE_STOPPED 2

/* ---- serve --socket PATH: the listening socket (docs/serve.md) ------------------------- */

/**
 * Check a --user value before anything waits, by the rules the sandbox applies later:
 * the user must exist, and only root may switch to another user.
 * @param user borrowed, may be NULL (nothing to check)
 * @param why  out, may be NULL: "--user NAME: reason"
 * @return 0, -ENOENT (no such user), -EPERM (not root and another user).
 */
PG_EXPORT PG_MUST_CHECK int pg_serve_user_check(const char *user, char *why, size_t size);

/**
 * Listen on an AF_UNIX stream socket at path (backlog 1). An existing socket file where
 * nobody listens any more (connect(2) refused: its server died) is removed and replaced;
 * one where a server still listens is refused, and a path that is not a socket is never
 * removed.
 * @param path      borrowed; shorter than sun_path
 * @param ret_fd    out: the listening socket (CLOEXEC), owned by the caller
 * @param ret_stale out, may be NULL: a stale socket was replaced
 * @param why       out, may be NULL: the reason on failure
 * @return 0; -EADDRINUSE (a live server listens there), -EEXIST (not a socket),
 *         -ENAMETOOLONG, -EINVAL, or another -errno from socket/bind/listen/unlink.
 */
PG_EXPORT PG_MUST_CHECK int pg_serve_listen(const char *path, int *ret_fd, bool *ret_stale,
					    char *why, size_t size);

/**
 * Wait for the first connection on lfd, then close lfd and remove path (one connection
 * per server). SIGTERM and SIGINT end the wait: they are handled only during this call
 * (the previous handlers and signal mask are restored), and the socket is removed too.
 * @param lfd     owned: closed in every case
 * @param path    borrowed: the socket file to remove
 * @param ret_cfd out: the connected socket (CLOEXEC) on 0
 * @return 0, PG_SERVE_STOPPED (a signal came first), or -errno from poll/accept.
 * Not thread-safe: changes process-wide signal dispositions while waiting.
 */
PG_EXPORT PG_MUST_CHECK int pg_serve_accept(int lfd, const char *path, int *ret_cfd,
					    char *why, size_t size);

/** pg_serve_accept_watch(): watch_fd became readable before any connection. */
#define PG_SERVE_RELEASED 3

/**
 * pg_serve_accept() that also ends the wait when watch_fd (borrowed; -1: none) becomes
 * readable: a vfio device's request eventfd (pg_serve_request_fd()), so that a server still
 * waiting for QEMU lets the kernel's unbind or hot removal proceed instead of blocking it.
 * @return as pg_serve_accept(), or PG_SERVE_RELEASED (the socket is removed too).
 */
PG_EXPORT PG_MUST_CHECK int pg_serve_accept_watch(int lfd, const char *path, int watch_fd,
						  int *ret_cfd, char *why, size_t size);

/**
 * The kernel's device-request eventfd of a vfio:BDF server (borrowed, owned by the
 * backend), for pg_serve_accept_watch(); pg_serve_loop() watches it itself.
 * @return the fd, or -1 (not vfio, NULL s, or the kernel offers no request channel).
 */
PG_EXPORT int pg_serve_request_fd(const struct pg_serve *s);

/**
 * Serve the attached socket until the peer disconnects, SIGTERM/SIGINT, a bad message,
 * a device failure or, for a vfio:BDF device, the kernel's request for the device (an
 * unbind from vfio-pci or a hot removal: its eventfd, pg_vfio_request_fd(), is polled with
 * the socket). On a signal or an error the device is quiesced (Bus Master off, reset where
 * the backend can; a live device is never touched), and a vfio:BDF device also when the
 * peer disconnects (so a failed quiesce reaches the result); on a device request it is quiesced
 * without a reset (the removal holds the device; vfio-pci resets it once released). A
 * DEVICE_RESET the device has no allowed method for is refused to the VMM and serving goes
 * on, unless the policy entry sets reset-required (docs/serve.md, "Resets"). Logs a
 * LOG_INFO summary.
 * @return 0 (peer disconnected, stopped by a signal or a device request and quiesced),
 *         PG_SERVE_CLOSED (the
 *         connection was closed on a bad message or device failure, or quiescing failed;
 *         logged at LOG_ERR naming the message and the reason), -EINVAL (not attached).
 */
PG_EXPORT PG_MUST_CHECK int pg_serve_loop(struct pg_serve *s);

/**
 * What a successful quiesce did, for the "device quiesced (...)" line the server and its
 * supervisor print: the steps a vfio device (vfio true) or a model device takes, and
 * whether it was reset.
 * @param rc a quiesce result >= 0: PG_QUIESCED_RESET or 0 (no allowed method the device
 *        supports: not reset)
 * @return a static string. Thread-safe.
 */
PG_EXPORT const char *pg_serve_quiesced_how(bool vfio, int rc);

/**
 * For a supervisor whose server process (forked after pg_serve_new()) died without
 * quiescing, e.g. by SIGKILL: a vfio:BDF device is still open here, so quiesce it
 * (interrupts off, Bus Master off, reset, every DMA mapping of the container removed,
 * including the dead process's).
 * @return 0 or PG_QUIESCED_RESET (quiesced, without or with a reset), -EOPNOTSUPP (not a
 *         vfio device: nothing is shared that needs it), -EINVAL, or pg_vfio_quiesce()'s
 *         error.
 */
PG_EXPORT PG_MUST_CHECK int pg_serve_quiesce_orphan(struct pg_serve *s);

/** Free the server: the connection, the mediator, the device and the policy. NULL is
 *  accepted. The audit and trace fds are not closed (they are the caller's). */
PG_EXPORT void pg_serve_free(struct pg_serve *s);

#ifdef __cplusplus
}
#endif
#endif
