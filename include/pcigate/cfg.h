/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file cfg.h
 * @brief Hostile-safe model of a PCI configuration space.
 *
 * pg_cfg_parse() turns the raw bytes a device presents (64, 256 or 4096 bytes, or any
 * partial length) into a layout: header identity, BARs, the standard and extended
 * capability lists with decoded key fields, and diagnostics. Every byte is treated as
 * hostile: walks are bounded (TTL 48 for the standard list, (4096-256)/4 for the extended
 * list), pointers are masked and range-checked, revisits are detected, capability lengths
 * are known per ID and clamped to the available bytes, and overlaps are reported. An
 * anomaly is a diagnostic with an offset and a reason; parsing never fails on content.
 *
 * Thread-safety: a layout is immutable after pg_cfg_parse() returns and may be read from
 * any number of threads.
 */
#ifndef PCIGATE_CFG_H
#define PCIGATE_CFG_H

#include <pcigate/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif


#define PG_CFG_HDR_LEN 64u   /**< bytes of the type 0/1/2 header */
#define PG_CFG_STD_LEN 256u  /**< conventional PCI config space */
#define PG_CFG_EXT_LEN 4096u /**< PCIe extended config space */
#define PG_CFG_STD_TTL 48u   /**< max standard capabilities walked (Linux PCI_FIND_CAP_TTL) */
#define PG_CFG_EXT_TTL ((PG_CFG_EXT_LEN - PG_CFG_STD_LEN) / 4u) /**< 960 */
#define PG_CFG_MAX_CAPS (PG_CFG_STD_TTL + PG_CFG_EXT_TTL)
#define PG_CFG_MAX_DIAGS 64u /**< diagnostics kept; further ones are counted in dropped */
#define PG_CFG_NUM_BARS 7u   /**< BAR0..BAR5 and the expansion ROM */
#define PG_CFG_ROM_BAR 6u    /**< index of the expansion ROM in pg_cfg_layout.bars */

/** Header layout, from Header Type bits 6:0. */
enum pg_hdr_kind {
	PG_HDR_ENDPOINT = 0, /**< type 0: 6 BARs */
	PG_HDR_BRIDGE = 1,   /**< type 1: PCI-to-PCI bridge, 2 BARs */
	PG_HDR_CARDBUS = 2,  /**< type 2: CardBus bridge, recognised and reported only */
	PG_HDR_UNKNOWN = 3,  /**< any other value: header beyond 0x10 not interpreted */
};

enum pg_bar_kind {
	PG_BAR_NONE = 0,   /**< not implemented (reads zero) or absent in this header type */
	PG_BAR_IO,         /**< I/O space */
	PG_BAR_MEM32,      /**< 32-bit memory */
	PG_BAR_MEM64,      /**< 64-bit memory, low dword (the next slot is PG_BAR_MEM64_HI) */
	PG_BAR_MEM64_HI,   /**< upper dword of the previous 64-bit BAR */
	PG_BAR_MEM_BELOW1M,/**< legacy type 01b (below 1 MiB); reserved since PCI 2.2 */
	PG_BAR_ROM,        /**< expansion ROM */
	PG_BAR_INVALID,    /**< 64-bit BAR in the last slot, or reserved type 11b */
	/**
	 * The register reads 0 and no size is known: a 32-bit non-prefetchable memory BAR
	 * that was never assigned an address reads exactly like an unimplemented one (PCI
	 * 3.0 §6.2.5.1: only sizing tells them apart), so it is neither "none" nor usable.
	 * With a size from the backend (sysfs `resource`) or the dump (annotation, lspci -v
	 * Region line) the BAR is PG_BAR_MEM32 (size > 0, address 0) or PG_BAR_NONE.
	 */
	PG_BAR_UNKNOWN,
};

/** One decoded BAR. Sizes come from the backend (pg_cfg_bar_sizes) when it can size. */
struct pg_bar {
	enum pg_bar_kind kind;
	uint8_t reg;        /**< config offset of the (low) register, 0 if none */
	bool prefetchable;  /**< memory BARs only */
	bool rom_enabled;   /**< ROM only: address decode enable bit */
	uint64_t addr;      /**< base address with flag bits masked off */
	uint64_t size;      /**< bytes; 0 when unknown */
	bool size_known;    /**< size came from the backend */
};

/**
 * Parse anomaly codes. Each has a stable kebab-case name (pg_diag_name()) that tests,
 * JSON output and users rely on: never renumber meaning, only append.
 */
enum pg_diag_code {
	PG_DIAG_CFG_SHORT = 0,      /**< "cfg-short": fewer bytes than the header or a cap needs */
	PG_DIAG_CFG_ALL_ONES,       /**< "cfg-all-ones": every byte 0xff (no device / master abort) */
	PG_DIAG_CFG_ALL_ZERO,       /**< "cfg-all-zero": every byte 0x00 */
	PG_DIAG_HDR_UNKNOWN,        /**< "hdr-unknown": header type not 0, 1 or 2 */
	PG_DIAG_HDR_CARDBUS,        /**< "hdr-cardbus": CardBus header, reported not modelled */
	PG_DIAG_BAR_64_LAST,        /**< "bar-64-last": 64-bit BAR in the last slot */
	PG_DIAG_BAR_RESERVED,       /**< "bar-reserved-type": memory type 11b */
	PG_DIAG_CAP_PTR_LOW,        /**< "cap-ptr-low": pointer into the header (< 0x40) */
	PG_DIAG_CAP_PTR_MISALIGNED, /**< "cap-ptr-misaligned": low two bits set (masked off) */
	PG_DIAG_CAP_PTR_PAST_END,   /**< "cap-ptr-past-end": pointer beyond the available bytes */
	PG_DIAG_CAP_LOOP,           /**< "cap-loop": a capability offset visited twice */
	PG_DIAG_CAP_TTL,            /**< "cap-ttl": more than PG_CFG_STD_TTL capabilities */
	PG_DIAG_CAP_BROKEN,         /**< "cap-broken": capability ID 0xff (lspci's chain broken) */
	PG_DIAG_CAP_TRUNCATED,      /**< "cap-truncated": capability runs past the end; clamped */
	PG_DIAG_CAP_OVERLAP,        /**< "cap-overlap": two capabilities share bytes */
	PG_DIAG_ECAP_PTR_LOW,       /**< "ecap-ptr-low": next pointer below 0x100 */
	PG_DIAG_ECAP_PTR_MISALIGNED,/**< "ecap-ptr-misaligned" */
	PG_DIAG_ECAP_PTR_PAST_END,  /**< "ecap-ptr-past-end" */
	PG_DIAG_ECAP_LOOP,          /**< "ecap-loop" */
	PG_DIAG_ECAP_TTL,           /**< "ecap-ttl" */
	PG_DIAG_ECAP_BROKEN,        /**< "ecap-broken": header all ones inside the chain */
	PG_DIAG_ECAP_TRUNCATED,     /**< "ecap-truncated" */
	PG_DIAG_ECAP_OVERLAP,       /**< "ecap-overlap" */
	PG_DIAG_CAP_FIELD,          /**< "cap-field": a decoded field is invalid (detail says which) */
	PG_DIAG_MSIX_BIR,           /**< "msix-bir": table/PBA BIR names no usable memory BAR */
	PG_DIAG_MSIX_BAR_SMALL,     /**< "msix-bar-small": table or PBA runs past its BAR */
	PG_DIAG_MSIX_OVERLAP,       /**< "msix-overlap": table and PBA overlap */
	PG_DIAG_CAP_DUPLICATE,      /**< "cap-duplicate": a capability that must be unique repeats */
	PG_DIAG_VENDOR_INVALID,     /**< "vendor-invalid": Vendor ID 0xffff or 0x0000 (no function
	                                 answers) although other bytes differ */
	PG_DIAG__COUNT
};

/** One diagnostic. offset is the config offset the anomaly was found at. */
struct pg_diag {
	enum pg_diag_code code;
	uint16_t offset;
	char detail[96]; /**< human-readable reason, NUL-terminated */
};

/* ---- decoded capability fields ------------------------------------------------------ */

/** Standard capability IDs (PCI Code and ID Assignment spec). */
enum pg_cap_id {
	PG_CAP_NULL = 0x00, PG_CAP_PM = 0x01, PG_CAP_AGP = 0x02, PG_CAP_VPD = 0x03,
	PG_CAP_SLOTID = 0x04, PG_CAP_MSI = 0x05, PG_CAP_CHSWP = 0x06, PG_CAP_PCIX = 0x07,
	PG_CAP_HT = 0x08, PG_CAP_VNDR = 0x09, PG_CAP_DBG = 0x0a, PG_CAP_CCRC = 0x0b,
	PG_CAP_SHPC = 0x0c, PG_CAP_SSVID = 0x0d, PG_CAP_AGP3 = 0x0e, PG_CAP_SECDEV = 0x0f,
	PG_CAP_EXP = 0x10, PG_CAP_MSIX = 0x11, PG_CAP_SATA = 0x12, PG_CAP_AF = 0x13,
	PG_CAP_EA = 0x14, PG_CAP_FPB = 0x15,
};

/** Extended capability IDs. */
enum pg_ecap_id {
	PG_ECAP_NULL = 0x00, PG_ECAP_AER = 0x01, PG_ECAP_VC = 0x02, PG_ECAP_DSN = 0x03,
	PG_ECAP_PWR = 0x04, PG_ECAP_RCLD = 0x05, PG_ECAP_RCILC = 0x06, PG_ECAP_RCEC = 0x07,
	PG_ECAP_MFVC = 0x08, PG_ECAP_VC9 = 0x09, PG_ECAP_RCRB = 0x0a, PG_ECAP_VNDR = 0x0b,
	PG_ECAP_CAC = 0x0c, PG_ECAP_ACS = 0x0d, PG_ECAP_ARI = 0x0e, PG_ECAP_ATS = 0x0f,
	PG_ECAP_SRIOV = 0x10, PG_ECAP_MRIOV = 0x11, PG_ECAP_MCAST = 0x12, PG_ECAP_PRI = 0x13,
	PG_ECAP_AMD_XXX = 0x14, PG_ECAP_REBAR = 0x15, PG_ECAP_DPA = 0x16, PG_ECAP_TPH = 0x17,
	PG_ECAP_LTR = 0x18, PG_ECAP_SECPCI = 0x19, PG_ECAP_PMUX = 0x1a, PG_ECAP_PASID = 0x1b,
	PG_ECAP_LNR = 0x1c, PG_ECAP_DPC = 0x1d, PG_ECAP_L1SS = 0x1e, PG_ECAP_PTM = 0x1f,
	PG_ECAP_MPCIE = 0x20, PG_ECAP_FRS = 0x21, PG_ECAP_RTR = 0x22, PG_ECAP_DVSEC = 0x23,
	PG_ECAP_VF_REBAR = 0x24, PG_ECAP_DLNK = 0x25, PG_ECAP_PL16 = 0x26, PG_ECAP_LMR = 0x27,
	PG_ECAP_HIER_ID = 0x28, PG_ECAP_NPEM = 0x29, PG_ECAP_PL32 = 0x2a, PG_ECAP_ALT_PROTO = 0x2b,
	PG_ECAP_SFI = 0x2c, PG_ECAP_SHADOW = 0x2d, PG_ECAP_DOE = 0x2e, PG_ECAP_DEV3 = 0x2f,
	PG_ECAP_IDE = 0x30, PG_ECAP_PL64 = 0x31, PG_ECAP_FLIT_LOG = 0x32, PG_ECAP_FLIT_PERF = 0x33,
	PG_ECAP_FLIT_ERR = 0x34,
};

/** PCIe device/port type (PCIe cap flags bits 7:4). */
enum pg_pcie_type {
	PG_PCIE_ENDPOINT = 0x0, PG_PCIE_LEGACY_ENDPOINT = 0x1, PG_PCIE_ROOT_PORT = 0x4,
	PG_PCIE_UPSTREAM = 0x5, PG_PCIE_DOWNSTREAM = 0x6, PG_PCIE_PCIE_TO_PCI = 0x7,
	PG_PCIE_PCI_TO_PCIE = 0x8, PG_PCIE_RC_IEP = 0x9, PG_PCIE_RC_EC = 0xa,
};

struct pg_cap_pm {
	uint8_t version;      /**< PMC bits 2:0 */
	bool d1, d2;          /**< D1/D2 supported */
	uint8_t pme_support;  /**< PMC bits 15:11 (D0, D1, D2, D3hot, D3cold) */
	uint8_t state;        /**< PMCSR bits 1:0: current D-state */
	bool no_soft_reset;   /**< PMCSR NoSoftRst: D3hot->D0 keeps state */
	bool pme_enabled;
};

struct pg_cap_msi {
	uint16_t control;
	bool enabled;
	bool is64;            /**< 64-bit address capable */
	bool maskable;        /**< per-vector masking capable */
	uint8_t mmc;          /**< Multiple Message Capable: log2 of vectors (0..5) */
	uint8_t mme;          /**< Multiple Message Enable: log2 of vectors */
	uint8_t data_off;     /**< offset of Message Data, relative to the capability */
	uint8_t mask_off;     /**< offset of Mask Bits (0 when !maskable) */
};

struct pg_cap_msix {
	uint16_t control;
	bool enabled;
	bool function_mask;
	uint16_t table_size;  /**< entries (N-1 encoded in Control, stored here as N) */
	uint8_t table_bir;
	uint32_t table_offset;
	uint8_t pba_bir;
	uint32_t pba_offset;
};

struct pg_cap_pcie {
	uint8_t version;      /**< capability version (flags 3:0) */
	uint8_t port_type;    /**< enum pg_pcie_type */
	bool slot;            /**< slot implemented */
	uint8_t irq_msg;      /**< interrupt message number */
	uint32_t devcap;
	bool flr;             /**< DevCap Function Level Reset capable */
	uint16_t max_payload; /**< DevCap max payload supported, bytes */
	uint16_t devctl;
	uint16_t devsta;
	uint32_t lnkcap;
	uint8_t link_speed_max; /**< LnkCap bits 3:0 (1=2.5GT/s, 2=5, 3=8, ...) */
	uint8_t link_width_max;
	uint16_t lnksta;
	uint8_t link_speed;
	uint8_t link_width;
	uint32_t devcap2;     /**< 0 for version 1 capabilities */
	uint16_t devctl2;
};

struct pg_cap_af {
	bool tp;              /**< Transactions Pending capable */
	bool flr;             /**< FLR capable */
};

struct pg_cap_vpd {
	uint16_t addr;        /**< VPD address register (bits 14:0) */
	bool flag;            /**< F bit */
};

struct pg_cap_vndr {
	uint8_t len;          /**< length byte at cap+2 */
};

struct pg_cap_pcix {
	bool bridge;          /**< bridge form of the capability (type 1 header) */
	uint16_t command;     /**< endpoint: Command; bridge: Secondary Status */
	uint32_t status;
	bool mode2;           /**< 266/533 capable: extended config space exists */
};

struct pg_ecap_aer {
	uint32_t uncor_status, uncor_mask, uncor_sev;
	uint32_t cor_status, cor_mask;
	uint32_t cap_ctrl;
	uint8_t first_error;  /**< First Error Pointer */
	bool root;            /**< root-port registers present (length 0x48) */
};

struct pg_ecap_acs {
	uint16_t cap;
	uint16_t ctrl;
	bool sv, tb, rr, cr, uf, ec, dt; /**< capability bits */
	uint16_t egress_vec_bits;        /**< egress control vector size, bits */
};

struct pg_ecap_ari {
	bool mfvc, acs;
	uint8_t next_fn;
};

struct pg_ecap_ats {
	uint8_t inv_queue_depth;
	bool page_aligned;
	bool enabled;
	uint8_t stu;
};

struct pg_ecap_pri {
	bool enabled;
	uint32_t outstanding_capacity;
	uint32_t outstanding_alloc;
};

struct pg_ecap_pasid {
	bool exec, priv;
	uint8_t max_width;
	bool enabled;
};

struct pg_ecap_sriov {
	uint32_t cap;
	uint16_t ctrl;
	bool vf_enable;
	uint16_t initial_vfs, total_vfs, num_vfs;
	uint16_t vf_offset, vf_stride, vf_device;
	uint32_t page_sizes, page_size;
};

struct pg_ecap_rebar {
	uint8_t nbars;
	struct {
		uint8_t bar;           /**< BAR index this entry resizes */
		uint32_t sizes;        /**< supported sizes bitmap (cap bits 31:4 >> 4) */
		uint8_t cur_size;      /**< encoded current size (2^(n+20) bytes) */
	} bars[6];
};

struct pg_ecap_dpc {
	uint16_t cap, ctrl, status;
	uint8_t rp_pio_log_size;
	bool rp_ext;
};

struct pg_ecap_ltr {
	uint16_t max_snoop, max_nosnoop;
};

struct pg_ecap_l1ss {
	uint32_t cap, ctl1, ctl2;
};

struct pg_ecap_dsn {
	uint64_t serial;
};

struct pg_ecap_vsec {
	uint16_t vsec_id;
	uint8_t vsec_rev;
	uint16_t vsec_len;
};

struct pg_ecap_dvsec {
	uint16_t vendor;
	uint8_t revision;
	uint16_t dvsec_len;
	uint16_t dvsec_id;
};

struct pg_ecap_doe {
	uint32_t cap, ctrl, status;
	bool irq;
	uint16_t irq_msg;
};

struct pg_ecap_ptm {
	bool requester, responder, root;
	uint8_t granularity;
	bool enabled;
};

/** Decoded fields; which member is valid follows from (extended, id) and pg_cap.decoded. */
union pg_cap_info {
	struct pg_cap_pm pm;
	struct pg_cap_msi msi;
	struct pg_cap_msix msix;
	struct pg_cap_pcie pcie;
	struct pg_cap_af af;
	struct pg_cap_vpd vpd;
	struct pg_cap_vndr vndr;
	struct pg_cap_pcix pcix;
	struct pg_ecap_aer aer;
	struct pg_ecap_acs acs;
	struct pg_ecap_ari ari;
	struct pg_ecap_ats ats;
	struct pg_ecap_pri pri;
	struct pg_ecap_pasid pasid;
	struct pg_ecap_sriov sriov;
	struct pg_ecap_rebar rebar;
	struct pg_ecap_dpc dpc;
	struct pg_ecap_ltr ltr;
	struct pg_ecap_l1ss l1ss;
	struct pg_ecap_dsn dsn;
	struct pg_ecap_vsec vsec;
	struct pg_ecap_dvsec dvsec;
	struct pg_ecap_doe doe;
	struct pg_ecap_ptm ptm;
};

/** One capability found on a chain, in chain order. */
struct pg_cap {
	uint16_t offset;      /**< config offset of the capability header */
	uint16_t id;          /**< enum pg_cap_id or enum pg_ecap_id */
	bool extended;        /**< from the extended (0x100+) list */
	uint8_t version;      /**< extended capability version; 0 for standard */
	uint16_t next;        /**< next pointer as read, low two bits masked */
	uint16_t len;         /**< bytes, per-ID rule, clamped to the available config: the one
	                           source of capability geometry (the mediator sizes, hides and
	                           checks capabilities from it) */
	bool truncated;       /**< the per-ID length ran past the available bytes (standard:
	                           256 or the config length) and len was clamped; a cap-truncated
	                           or ecap-truncated diagnostic says so */
	bool decoded;         /**< info holds decoded fields */
	const char *name;     /**< static name, never NULL ("Unknown" for unrecognised IDs) */
	union pg_cap_info info;
};

/** Optional BAR sizes from a backend that can size BARs. */
struct pg_cfg_bar_sizes {
	uint64_t size[PG_CFG_NUM_BARS]; /**< bytes, indexed like pg_cfg_layout.bars */
	uint8_t known;                  /**< bit i set: size[i] is valid */
};

/** The parsed layout. Owned by the caller; free with pg_cfg_free(). */
struct pg_cfg_layout {
	uint8_t raw[PG_CFG_EXT_LEN]; /**< the bytes parsed; zero beyond len */
	uint16_t len;                /**< bytes available (0..4096) */

	uint16_t vendor, device;
	uint8_t revision;
	uint32_t class_code;         /**< base<<16 | sub<<8 | prog-if */
	uint8_t header_type;         /**< raw Header Type byte */
	bool multifunction;
	enum pg_hdr_kind kind;
	uint16_t command, status;
	uint16_t subsys_vendor, subsys_device; /**< 0 when the header has none */
	uint8_t int_line, int_pin;

	struct pg_bar bars[PG_CFG_NUM_BARS];
	uint8_t nbars;               /**< BAR slots of this header type (6, 2 or 0) */

	struct pg_cap caps[PG_CFG_MAX_CAPS];
	uint16_t ncaps;              /**< standard then extended, each in chain order */
	uint16_t nstd;               /**< how many of caps are standard */
	bool ext_walked;             /**< the extended list was examined (PCIe/PCI-X mode 2
	                                  capability present and len > 256) */

	struct pg_diag diags[PG_CFG_MAX_DIAGS];
	uint16_t ndiags;
	uint32_t diags_dropped;      /**< diagnostics beyond PG_CFG_MAX_DIAGS */
};

/**
 * Parse a configuration space.
 *
 * @param buf    borrowed; the bytes the device presents, starting at offset 0
 * @param len    number of bytes in buf; lengths above 4096 are an error, any shorter
 *               length is accepted and reported (cfg-short) where a structure is cut
 * @param sizes  borrowed, may be NULL: BAR sizes from a backend that can size BARs
 * @param ret    out: a new layout on success, owned by the caller (pg_cfg_free())
 * @return 0, or -EINVAL (NULL buf/ret, len > 4096), -ENOMEM.
 * Content problems are never errors: they become diagnostics in the layout.
 * Thread-safety: reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_cfg_parse(const uint8_t *buf, size_t len,
					 const struct pg_cfg_bar_sizes *sizes,
					 struct pg_cfg_layout **ret);

/**
 * Parse into caller-provided storage (no allocation); same contract as pg_cfg_parse().
 * @param out borrowed; fully overwritten on success and on failure left unspecified.
 */
PG_EXPORT PG_MUST_CHECK int pg_cfg_parse_into(const uint8_t *buf, size_t len,
					      const struct pg_cfg_bar_sizes *sizes,
					      struct pg_cfg_layout *out);

/** Free a layout from pg_cfg_parse(); NULL is accepted. */
PG_EXPORT void pg_cfg_free(struct pg_cfg_layout *layout);

/** First capability with this ID on the given list, or NULL. Borrowed from layout. */
PG_EXPORT const struct pg_cap *pg_cfg_find_cap(const struct pg_cfg_layout *layout,
					       bool extended, uint16_t id);

/** Stable kebab-case name of a diagnostic code ("cap-loop"); "unknown" if out of range. */
PG_EXPORT const char *pg_diag_name(enum pg_diag_code code);

/** Human-readable capability name for (extended, id); never NULL. Static storage. */
PG_EXPORT const char *pg_cap_name(bool extended, uint16_t id);

/** Name of a PCIe device/port type ("Endpoint", "Root Port", ...); never NULL. */
PG_EXPORT const char *pg_pcie_type_name(uint8_t type);

/**
 * Name of a header layout with its type number, for messages: "type 0",
 * "type 1 (PCI-to-PCI bridge)", "type 2 (CardBus bridge)", "unknown type 0x7f".
 * @param header_type the raw Header Type byte (bit 7, multi-function, is ignored)
 * @param buf out: at least 40 bytes; returned
 */
PG_EXPORT const char *pg_hdr_layout_name(uint8_t header_type, char *buf, size_t n);

/**
 * Why a function must not be handed to a guest as an endpoint, or NULL when it may.
 *
 * One rule for everything that asks (inspect's "bridge" finding, the mediator's refusal):
 * a type 1 (PCI-to-PCI) or type 2 (CardBus) header, or a bridge class (base class 0x06:
 * host, ISA, EISA, MCA, PCI-to-PCI, ... bridges) on any header. A host bridge or an
 * ISA/LPC bridge with a type 0 header still owns platform
 * resources (the root complex, legacy I/O ports and interrupts of the whole machine).
 * @param l borrowed
 * @return a static phrase ("host bridge", "ISA bridge", "PCI-to-PCI bridge header", ...)
 *         or NULL; NULL also when the header is not known (fewer than 16 bytes, or no
 *         device: cfg-all-ones, cfg-all-zero, vendor-invalid). An unknown header layout is
 *         no bridge here (its registers cannot be read at all; the caller refuses it).
 */
PG_EXPORT const char *pg_cfg_bridge_kind(const struct pg_cfg_layout *l);

/** Name of a BAR kind ("io", "mem32", "mem64", "unknown", ...); never NULL. */
PG_EXPORT const char *pg_bar_kind_name(enum pg_bar_kind kind);

/* ---- field descriptors: generic access to decoded fields for reports ---------------- */

enum pg_field_type { PG_FIELD_BOOL, PG_FIELD_U8, PG_FIELD_U16, PG_FIELD_U32, PG_FIELD_U64 };

/** Describes one decoded field of a capability for reporting (text and JSON). */
struct pg_field {
	const char *name;        /**< stable snake_case key used in JSON */
	enum pg_field_type type;
	uint16_t offset;         /**< offsetof within union pg_cap_info */
	bool hex;                /**< print in hex in text reports */
};

/**
 * The key fields of a decoded capability, for generic reporting.
 * @param cap   borrowed
 * @param ret_n out: number of entries
 * @return a static table (never freed), or NULL with *ret_n = 0 when cap is not decoded.
 */
PG_EXPORT const struct pg_field *pg_cap_fields(const struct pg_cap *cap, size_t *ret_n);

/** Value of a field of cap as uint64 (bools as 0/1). */
PG_EXPORT uint64_t pg_field_get(const struct pg_cap *cap, const struct pg_field *field);

#ifdef __cplusplus
}
#endif
#endif
