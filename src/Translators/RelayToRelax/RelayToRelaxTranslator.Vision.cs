using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.RelayToRelax;

// Detection/misc ops (no Relax forms) and annotation / compiler-internal ops found in dumped artifacts (§5.2.9, §5.2.12).
public sealed partial class RelayToRelaxTranslator
{
    private static void RegisterVision(Dictionary<string, OpConverter> t)
    {
        // Identity annotations: device placement and fusion barriers carry no value semantics.
        foreach (var n in new[] { "on_device", "device_copy", "annotation.stop_fusion", "annotation.checkpoint" }) t[n] = c => c.Arg(0);
        t["call_lowered"] = c =>
        {
            // call_lowered(@f, (args...)): a plain call of the global with the tuple's fields.
            if (c.Call.Args[0] is not Relay.GlobalVar g) throw c.Fail("the callee must be a global function");
            var fields = c.Call.Args[1] is Relay.Tuple tup ? tup.Fields.Select(f => c.Visit(f)).ToImmutableArray() : TupleFields(c, 1);
            return c.CallGlobal(g, fields);
        };
        NoTranslation("detection op without a Relax counterpart", "vision.non_max_suppression", "vision.all_class_non_max_suppression",
            "vision.get_valid_counts", "vision.roi_align", "vision.roi_pool");
        NoTranslation("signal op without a Relax counterpart", "stft", "dft");
        NoTranslation("random-number op (stateful key) without a Relax counterpart", "random.threefry_generate", "random.threefry_split",
            "random.uniform", "random.normal", "random.multinomial");
        NoTranslation("memory-planning op of lowered modules (translate the module before lowering)", "memory.alloc_storage", "memory.alloc_tensor", "memory.kill");
        NoTranslation("data-dependent dyn.* op (run DynamicToStatic on the Relay module first)", "dyn.reshape", "dyn.broadcast_to", "dyn.full",
            "dyn.zeros", "dyn.ones", "dyn.tile", "dyn.squeeze", "dyn.expand_dims", "dyn.strided_slice", "dyn.topk", "dyn.one_hot", "dyn.nn.pad",
            "dyn.nn.upsampling", "dyn.image.resize2d", "dyn.sparse_to_dense");
    }
}
