package shm.personality.rtx;

/** Which generation of the RTX kernel API the ported code was written for; they report errors differently. */
public enum Flavour {
    /** Legacy 32-bit RTX: Rtk* calls return a HANDLE and report Win32 codes through {@code pErrorCode}. */
    LEGACY_RTX,
    /** RTX64 and wRTOS: Rtk* calls return an NTSTATUS. */
    RTX64
}
