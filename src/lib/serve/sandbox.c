/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sandbox of a server (docs/serve.md, "Sandbox"). Threat: the peer QEMU may be
 * compromised. Once the device and the socket are open the process drops privileges and
 * installs a seccomp allow-list, so code execution gained through a parser bug can still
 * only read/write the fds already open; it cannot open files, create or connect sockets,
 * exec or ptrace (tests/vm/serve-client.c "probe" observes exactly that from outside).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <syslog.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "serve-private.h"

/*
 * Everything the serve loop needs after setup, and nothing else (docs/serve.md lists the
 * same table). Default action: EPERM, so a refused call takes the normal error path and the
 * device is still quiesced; see docs/serve.md for why not SCMP_ACT_KILL.
 */
static const int allowed_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev),     /* audit, log, stdio */
	SCMP_SYS(recvmsg), SCMP_SYS(sendto), SCMP_SYS(sendmsg), /* the mpqemu socket */
	SCMP_SYS(shutdown),                                     /* SIGTERM: end its reads */
	SCMP_SYS(pread64),                                      /* sysfs config (open fd) */
	SCMP_SYS(close),                                        /* fds from QEMU */
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek), /* SYNC_SYSMEM checks, stdio */
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk), SCMP_SYS(madvise), /* malloc */
	SCMP_SYS(futex), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	SCMP_SYS(getrandom),                                    /* json-c hash seed */
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(restart_syscall),
	SCMP_SYS(sigaltstack),                                  /* sanitizer runtimes at exit */
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(tgkill),   /* abort() */
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* A vfio:BDF device also needs config/BAR writes on its fd and these ioctls, and no other
 * (no group, device or container can be opened or attached from the sandbox). */
static const unsigned long vfio_ioctls[] = {
	VFIO_DEVICE_SET_IRQS, VFIO_DEVICE_RESET, VFIO_DEVICE_PCI_HOT_RESET,
	VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA,
};

static int allow_vfio(scmp_filter_ctx ctx)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(pwrite64), 0);

	/* the serve loop waits on the socket and the kernel's device-request eventfd */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(poll), 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ppoll), 0);

	for (size_t i = 0; rc == 0 && i < sizeof(vfio_ioctls) / sizeof(vfio_ioctls[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      /* all four fields: clang's -Wmissing-field-initializers */
				      SCMP_CMP(1, SCMP_CMP_EQ, vfio_ioctls[i], 0));
	return rc;
}

static int install_seccomp(bool vfio)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int rc = ctx ? 0 : -ENOMEM;

	for (size_t i = 0; rc == 0 && i < sizeof(allowed_syscalls) / sizeof(int); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i], 0);
	if (rc == 0 && vfio)
		rc = allow_vfio(ctx);
	/* Memory may be mapped (guest RAM for DMA, malloc) but never made executable. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* A syscall of another ABI (x32: the X32 bit in the number; i386 through int 0x80)
	 * would otherwise hit libseccomp's bad-arch action, SIGSYS: refuse it with EPERM like
	 * any other call (docs/serve.md promises EPERM, so the device is still quiesced). */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
	if (rc == 0)
		rc = seccomp_load(ctx); /* sets no_new_privs first (libseccomp default) */
	if (ctx)
		seccomp_release(ctx);
	return rc;
}

/* Root without a user drops to "nobody"; user "root" is the explicit way to stay root.
 * A non-root user stays who it is (it could not switch anyway). */
static int switch_user(const struct pg_serve *s, const struct passwd *pw, const char *user)
{
	int pdeath = 0, rc;
	pid_t parent = getppid();

	/* setuid() clears the parent-death signal (prctl(2)); `pcigate launch` relies on it
	 * so that servers never outlive the launcher: keep it across the switch. */
	(void)prctl(PR_GET_PDEATHSIG, &pdeath, 0, 0, 0);
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		rc = -errno;
		pg_serve_logf(s, LOG_ERR, "cannot switch to user %s: %s", user, strerror(-rc));
		return rc;
	}
	if (pdeath > 0) {
		if (prctl(PR_SET_PDEATHSIG, pdeath, 0, 0, 0) < 0) {
			rc = -errno;
			pg_serve_logf(s, LOG_ERR, "PR_SET_PDEATHSIG: %s", strerror(-rc));
			return rc;
		}
		if (getppid() != parent) /* the parent died while the signal was not armed */
			(void)raise(pdeath);
	}
	return 0;
}

static int drop_privileges(const struct pg_serve *s)
{
	const char *user = s->c->user;
	struct passwd *pw;
	int rc;

	if (geteuid() != 0) {
		if (user && getpwnam(user) && getpwnam(user)->pw_uid != geteuid()) {
			pg_serve_logf(s, LOG_ERR, "--user %s: only root can switch users", user);
			return -EPERM;
		}
		return 0;
	}
	if (!user)
		user = "nobody";
	pw = getpwnam(user);
	if (!pw) {
		pg_serve_logf(s, LOG_ERR, "--user %s: no such user", user);
		return -ENOENT;
	}
	if (pw->pw_uid == 0)
		return 0;
	rc = switch_user(s, pw, user);
	if (rc < 0)
		return rc;
	/* Prove there is no way back. */
	if (setuid(0) == 0) {
		pg_serve_logf(s, LOG_ERR, "privileges could be regained after dropping to %s",
			      user);
		return -EPERM;
	}
	return 0;
}

int pg_serve_sandbox(const struct pg_serve *s)
{
	int rc;

	if (s->c->no_sandbox)
		return 0;
	/* VFIO_IOMMU_MAP_DMA pins guest RAM and counts it against RLIMIT_MEMLOCK once the
	 * server is no longer root (CAP_IPC_LOCK gone): lift the limit while still root. */
	if (s->g.vfio && geteuid() == 0) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
			pg_serve_logf(s, LOG_WARNING, "RLIMIT_MEMLOCK: %s", strerror(errno));
	}
	rc = drop_privileges(s);
	if (rc < 0)
		return rc;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		rc = -errno;
		pg_serve_logf(s, LOG_ERR, "PR_SET_NO_NEW_PRIVS: %s", strerror(-rc));
		return rc;
	}
	rc = install_seccomp(s->g.vfio);
	if (rc < 0)
		pg_serve_logf(s, LOG_ERR, "cannot install the seccomp filter: %s", strerror(-rc));
	return rc;
}
