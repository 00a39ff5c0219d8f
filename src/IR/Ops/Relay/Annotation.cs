// Generated from spec §5 tables (/work/shared/spec/relay-formats.md) by a one-off script, then kept by hand.

namespace Bridge.Ir.Ops.Relay;

/// <summary>Attributes <c>relay.attrs.OnDeviceAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.OnDeviceAttrs")]
public sealed record OnDeviceAttrs : Attrs
{
    [AttrName("virtual_device")] public object? VirtualDevice { get; init; } = null;
    [AttrName("constrain_result")] public bool ConstrainResult { get; init; } = false;
    [AttrName("constrain_body")] public bool ConstrainBody { get; init; } = true;
}

/// <summary>Attributes <c>relay.attrs.DeviceCopyAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.DeviceCopyAttrs")]
public sealed record DeviceCopyAttrs : Attrs
{
    [RelayRequired] [AttrName("src_virtual_device")] public object? SrcVirtualDevice { get; init; } = null;
    [RelayRequired] [AttrName("dst_virtual_device")] public object? DstVirtualDevice { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.CallLoweredAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.CallLoweredAttrs")]
public sealed record CallLoweredAttrs : Attrs
{
    [AttrName("metadata")] public object? Metadata { get; init; } = null;
}

/// <summary>Attributes <c>relay.attrs.AllocStorageAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.AllocStorageAttrs")]
public sealed record AllocStorageAttrs : Attrs
{
    [AttrName("dtype_hint")] public string DtypeHint { get; init; } = "float32";
    [RelayRequired] [AttrName("virtual_device")] public object? VirtualDevice { get; init; } = null;
    [AttrName("memory_scope")] public string MemoryScope { get; init; } = "global";
}

/// <summary>Attributes <c>relay.attrs.AllocTensorAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.AllocTensorAttrs")]
public sealed record AllocTensorAttrs : Attrs
{
    [AttrName("dtype")] public string Dtype { get; init; } = "float32";
    [RelayRequired] [AttrName("assert_shape")] public ValueArray<long>? AssertShape { get; init; } = null;
    [RelayRequired] [AttrName("const_shape")] public ValueArray<long>? ConstShape { get; init; } = null;
}

/// <summary>Relay op table: Annotation family.</summary>
internal static class RelayAnnotationOps
{
    private static void Def<T>(string name, params string[] inputs) where T : Attrs, new() => RelayOps.Define<T>(name, "annotation", inputs);

    internal static void Register()
    {
        Def<NoAttrs>("annotation.stop_fusion", "data");
        Def<OnDeviceAttrs>("on_device", "body");
        Def<DeviceCopyAttrs>("device_copy", "data");
        Def<CallLoweredAttrs>("call_lowered", "func", "call_args");
        Def<AllocStorageAttrs>("memory.alloc_storage", "size", "offset", "alignment");
        Def<AllocTensorAttrs>("memory.alloc_tensor", "storage", "offset", "shape");
        Def<NoAttrs>("memory.kill", "data");
        Def<NoAttrs>("annotation.checkpoint", "data");
    }
}
