/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Register offsets and bits the mediator names: one definition each, so a row table, a
 * hook and the executor cannot disagree about where a register is or what a bit means.
 * Offsets of capability registers are relative to the capability header.
 *
 * Sources: PCI Local Bus Specification 3.0 (§6.2 header, §6.8.1 MSI, §6.8.2 MSI-X), PCI
 * Bus Power Management Interface Specification 1.2 (§3.2 PM capability), PCI Express Base
 * Specification r5.0 (§7.5.3 PCI Express capability; the extended capabilities of aer.c,
 * ecap-lock.c and ecap-power.c at their sections below), PCI Advanced Features ECN (AF
 * capability), PCI-to-PCI Bridge Architecture 1.2 (none here: bridges are not mediated).
 */
#ifndef PG_MEDIATOR_REGS_H
#define PG_MEDIATOR_REGS_H

/* ---- type 0 header (PCI 3.0 §6.2) ------------------------------------------------------- */
#define REG_VENDOR 0x00u
#define REG_DEVICE 0x02u
#define REG_COMMAND 0x04u
#define REG_STATUS 0x06u
#define REG_REVISION 0x08u
#define REG_PROGIF 0x09u
#define REG_CLASS 0x0au
#define REG_CACHE_LINE 0x0cu
#define REG_LATENCY 0x0du
#define REG_HEADER_TYPE 0x0eu
#define REG_BIST 0x0fu
#define REG_BAR0 0x10u
#define REG_CIS 0x28u
#define REG_SUBVENDOR 0x2cu
#define REG_SUBDEVICE 0x2eu
#define REG_ROM 0x30u
#define REG_CAP_PTR 0x34u
#define REG_INT_LINE 0x3cu
#define REG_INT_PIN 0x3du
#define REG_MIN_GNT 0x3eu
#define REG_MAX_LAT 0x3fu

#define CMD_IO 0x0001u
#define CMD_MEM 0x0002u
#define CMD_MASTER 0x0004u
#define CMD_DECODE (CMD_IO | CMD_MEM | CMD_MASTER)
#define CMD_DECODE_BARS (CMD_IO | CMD_MEM) /* the bits that enable BARs: 0x3 */
#define CMD_INTX_DISABLE 0x0400u
#define CMD_RSVD 0xf800u                 /* bits 11-15 */

#define STATUS_CAP_LIST 0x0010u
#define STATUS_RO 0x06b9u                /* Imm. Readiness, Interrupt, CAP_LIST, 66MHz,
                                            FB2B, DEVSEL timing */
#define STATUS_RSVDZ 0x0046u
#define STATUS_RW1C 0xf900u              /* the error bits */

#define HDR_TYPE_LAYOUT 0x7fu             /* Header Type without the multifunction bit */
#define BIST_START 0x40u

#define BAR_IO_FLAGS 0x3u                /* I/O indicator and reserved bit */
#define BAR_MEM_FLAGS 0xfu               /* I/O indicator, type, prefetchable */
#define BAR_MEM_TYPE 0x6u                /* bits 2:1, 10b for 64-bit */
#define ROM_ENABLE 0x1u
#define ROM_FLAGS 0x7ffu                 /* enable and reserved bits */

/* ---- capability headers (PCI 3.0 §6.7; PCIe r5.0 §7.6.3) -------------------------------- */
#define CAP_HDR_ID 0x00ffu
#define CAP_HDR_NEXT_SHIFT 8
#define ECAP_FIRST 0x100u                /* the extended list starts here */
#define ECAP_HDR_ID 0x0000ffffu
#define ECAP_HDR_VER 0x000f0000u
#define ECAP_HDR_NEXT_SHIFT 20

/* ---- Power Management (PCI PM 1.2 §3.2) ------------------------------------------------- */
#define PM_PMC 0x02u
#define PM_PMCSR 0x04u
#define PM_DATA 0x06u                    /* PMCSR_BSE and Data */
#define PM_LEN 0x08u

#define PMC_D1 0x0200u
#define PMC_D2 0x0400u
#define PMC_PME_SUPPORT 0xf800u
#define PMCSR_STATE 0x0003u
#define PMCSR_NSR 0x0008u                /* No_Soft_Reset */
#define PMCSR_PME_EN 0x0100u
#define PMCSR_DATA_SEL 0x1e00u
#define PMCSR_DATA_SCALE 0x6000u
#define PMCSR_PME_STATUS 0x8000u
#define PMCSR_RSVD 0x00f4u

/* ---- MSI (PCI 3.0 §6.8.1) --------------------------------------------------------------- */
#define MSI_CTRL 0x02u
#define MSI_ADDR 0x04u
#define MSI_ADDR_HI 0x08u                /* 64-bit capable only */

#define MSI_CTRL_ENABLE 0x0001u
#define MSI_CTRL_MMC 0x000eu
#define MSI_CTRL_MMC_SHIFT 1
#define MSI_CTRL_MME 0x0070u
#define MSI_CTRL_MME_SHIFT 4
#define MSI_CTRL_64BIT 0x0080u
#define MSI_CTRL_PVM 0x0100u
#define MSI_CTRL_RSVD 0xfe00u
#define MSI_MM_MAX 5u                    /* 32 vectors; 6 and 7 are reserved */
#define MSI_ADDR_RSVD 0x3u               /* dword aligned */

/* ---- MSI-X (PCI 3.0 §6.8.2) ------------------------------------------------------------- */
#define MSIX_CTRL 0x02u
#define MSIX_TABLE 0x04u
#define MSIX_PBA 0x08u
#define MSIX_LEN 0x0cu

#define MSIX_CTRL_QSIZE 0x07ffu
#define MSIX_CTRL_RSVD 0x3800u
#define MSIX_CTRL_MASKALL 0x4000u
#define MSIX_CTRL_ENABLE 0x8000u
#define MSIX_ENTRY_BYTES 16u
#define MSIX_ENTRY_MASKED 0x1u           /* Vector Control bit 0 */
#define MSIX_PBA_BITS_PER_QWORD 64u

/* ---- PCI Express (PCIe r5.0 §7.5.3) ----------------------------------------------------- */
#define EXP_FLAGS 0x02u
#define EXP_DEVCAP 0x04u
#define EXP_DEVCTL 0x08u
#define EXP_DEVSTA 0x0au
#define EXP_LNKCAP 0x0cu
#define EXP_LNKCTL 0x10u
#define EXP_LNKSTA 0x12u
#define EXP_SLTCAP 0x14u
#define EXP_SLTCTL 0x18u
#define EXP_SLTSTA 0x1au
#define EXP_RTCTL 0x1cu
#define EXP_RTCAP 0x1eu
#define EXP_RTSTA 0x20u
#define EXP_DEVCAP2 0x24u
#define EXP_DEVCTL2 0x28u
#define EXP_DEVSTA2 0x2au
#define EXP_LNKCAP2 0x2cu
#define EXP_LNKCTL2 0x30u
#define EXP_LNKSTA2 0x32u
#define EXP_SLTCAP2 0x34u
#define EXP_SLTCTL2 0x38u
#define EXP_SLTSTA2 0x3au

#define DEVCAP_FLR 0x10000000u
#define DEVCTL_ERR_ENABLES 0x000fu       /* correctable .. unsupported request reporting */
#define DEVCTL_RELAXED 0x0010u
#define DEVCTL_PAYLOAD 0x00e0u
#define DEVCTL_EXT_TAG 0x0100u
#define DEVCTL_PHANTOM 0x0200u
#define DEVCTL_AUX_PM 0x0400u
#define DEVCTL_NOSNOOP 0x0800u
#define DEVCTL_READRQ 0x7000u
#define DEVCTL_FLR 0x8000u
#define DEVSTA_RW1C 0x004fu              /* error detected bits, Emergency Power
                                            Reduction Detected */
#define DEVSTA_RO 0x0030u                /* AUX power, transactions pending */
#define DEVSTA_RSVDZ 0xff80u
#define LNKCTL_DISABLE 0x0010u
#define LNKCTL_RETRAIN 0x0020u
#define DEVCTL2_COMP_TIMEOUT 0x001fu     /* value and disable */
#define DEVCTL2_ARI 0x0020u
#define DEVCTL2_ATOMIC_REQ 0x0040u
#define DEVCTL2_IDO 0x0300u              /* request and completion enables */
#define DEVCTL2_PATH 0xfc80u             /* AtomicOp Egress Blocking, Emergency Power
                                            Reduction, LTR, 10-bit tags, OBFF, End-End
                                            TLP Prefix Blocking: need path support */
#define LNKCTL2_ENTER_COMP 0x0010u
#define LNKCTL2_COMP_SOS 0x0400u

/* ---- Advanced Features (PCI AF ECN) ----------------------------------------------------- */
#define AF_LEN_REG 0x02u
#define AF_CAP 0x03u
#define AF_CTRL 0x04u
#define AF_STATUS 0x05u
#define AF_LEN 0x06u

#define AF_CAP_TP 0x01u
#define AF_CAP_FLR 0x02u
#define AF_CTRL_FLR 0x01u

/* ---- Advanced Error Reporting (PCIe r5.0 §7.8.4) ---------------------------------------- */
#define AER_UNCOR_STATUS 0x04u
#define AER_UNCOR_MASK 0x08u
#define AER_UNCOR_SEVER 0x0cu
#define AER_COR_STATUS 0x10u
#define AER_COR_MASK 0x14u
#define AER_CAPCTL 0x18u
#define AER_HEADER_LOG 0x1cu             /* 4 dwords */
#define AER_ROOT_CMD 0x2cu               /* Root Ports and RCECs only */
#define AER_ROOT_STATUS 0x30u
#define AER_SOURCE_ID 0x34u
#define AER_PREFIX_LOG 0x38u             /* 4 dwords, End-End TLP Prefix functions only */
#define AER_LEN 0x2cu
#define AER_LEN_ROOT 0x38u
#define AER_LEN_PREFIX 0x48u

/* Uncorrectable errors (status, mask and severity share the layout, §7.8.4.2-4): bit 0
 * Undefined (software may write any value), 4 Data Link Protocol, 5 Surprise Down, 12
 * Poisoned TLP Received, 13 Flow Control Protocol, 14 Completion Timeout, 15 Completer
 * Abort, 16 Unexpected Completion, 17 Receiver Overflow, 18 Malformed TLP, 19 ECRC, 20
 * Unsupported Request, 21 ACS Violation, 22 Uncorrectable Internal, 23 MC Blocked TLP, 24
 * AtomicOp Egress Blocked, 25 TLP Prefix Blocked, 26 Poisoned TLP Egress Blocked. */
#define AER_UNCOR_BITS 0x07fff031u
#define AER_UNCOR_RSVD 0xf8000fceu
/* Correctable errors (§7.8.4.5-6): 0 Receiver Error, 6 Bad TLP, 7 Bad DLLP, 8 REPLAY_NUM
 * Rollover, 12 Replay Timer Timeout, 13 Advisory Non-Fatal, 14 Corrected Internal, 15
 * Header Log Overflow. */
#define AER_COR_BITS 0x0000f1c1u
#define AER_COR_RSVD 0xffff0e3eu
/* Advanced Error Capabilities and Control (§7.8.4.7) */
#define AER_CAP_FEP 0x0000001fu          /* First Error Pointer (ROS) */
#define AER_CAP_ECRC_GEN 0x00000020u     /* ECRC Generation Capable */
#define AER_CTL_ECRC_GEN 0x00000040u     /* ECRC Generation Enable */
#define AER_CAP_ECRC_CHK 0x00000080u     /* ECRC Check Capable */
#define AER_CTL_ECRC_CHK 0x00000100u     /* ECRC Check Enable */
#define AER_CAP_MHR 0x00000200u          /* Multiple Header Recording Capable */
#define AER_CTL_MHR 0x00000400u          /* Multiple Header Recording Enable */
#define AER_CAP_RO 0x00001abfu           /* FEP, the capable bits, TLP Prefix Log Present,
                                            Completion Timeout Prefix/Header Log Capable */
#define AER_CAP_RSVD 0xffffe000u

/* ---- extended capabilities the host owns (ecap-lock.c) ---------------------------------- */
/* Resizable BAR and VF Resizable BAR (PCIe r5.0 §7.8.6, §9.3.7.5): entry i at 4 + 8i */
#define REBAR_CTRL0 0x08u
#define REBAR_ENTRY 0x08u
#define REBAR_CTRL_SIZE 0x00003f00u      /* BAR Size, the only RW field */
/* SR-IOV (§9.3.3) */
#define SRIOV_CTRL 0x08u                 /* VF Enable, VF Migration, VF MSE, ARI Capable */
#define SRIOV_STATUS 0x0au
#define SRIOV_NUM_VFS 0x10u
#define SRIOV_PAGE_SIZE 0x20u            /* System Page Size */
#define SRIOV_VF_BAR0 0x24u              /* six VF BARs */
/* ATS (§10.5.1) and PASID (§7.8.8): the control word at 6 */
#define ATS_CTRL 0x06u
#define PASID_CTRL 0x06u
/* PRI (§10.5.2) */
#define PRI_CTRL 0x04u                   /* Enable, Reset */
#define PRI_STATUS 0x06u                 /* Response Failure, UPRGI (RW1C), Stopped */
#define PRI_ALLOC 0x0cu                  /* Outstanding Page Request Allocation */
/* ACS (§7.7.8) */
#define ACS_CTRL 0x06u
#define ACS_EGRESS 0x08u                 /* Egress Control Vector, up to 8 dwords */

/* ---- power management extended capabilities (ecap-power.c) ------------------------------ */
/* LTR (PCIe r5.0 §7.8.2): Max Snoop / No-Snoop Latency, value 9:0 and scale 12:10 */
#define LTR_MAX_SNOOP 0x04u
#define LTR_MAX_NOSNOOP 0x06u
#define LTR_LAT 0x1fffu
#define LTR_RSVD 0xe000u
/* L1 PM Substates (§7.8.3) */
#define L1SS_CTRL1 0x08u
#define L1SS_CTRL1_RSVD 0x1c0000c0u      /* bits 7:6, 28:26 */
#define L1SS_CTRL2 0x0cu
#define L1SS_CTRL2_RSVD 0xffffff04u      /* bit 2, 31:8 */
/* Power Budgeting (§7.8.1) */
#define PWR_DATA_SEL 0x04u

#endif
