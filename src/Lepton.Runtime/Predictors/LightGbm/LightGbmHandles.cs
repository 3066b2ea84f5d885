using Microsoft.Win32.SafeHandles;

namespace Lepton.Runtime.LightGbm;

/// <summary>A LightGBM <c>DatasetHandle</c>, freed with <c>LGBM_DatasetFree</c>.</summary>
internal sealed class DatasetSafeHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DatasetSafeHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => LightGbmNative.LGBM_DatasetFree(handle) == 0;
}

/// <summary>A LightGBM <c>BoosterHandle</c>, freed with <c>LGBM_BoosterFree</c>.</summary>
internal sealed class BoosterSafeHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public BoosterSafeHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => LightGbmNative.LGBM_BoosterFree(handle) == 0;
}
