using Rlvr.Spec;
using Rlvr.Checkpoints;
using Rlvr.Training;
using static TorchSharp.torch;

namespace Rlvr.Update;

/// <param name="RestoreOptimizerState">Restore the optimizer state saved before the first probe, so only the
/// corrective step remains in it.</param>
public sealed record GxpoOptions(int K = 5, double Alpha = 0.5, double Delta = 1e-8, double DeltaActive = 1e-8,
    double Tau = 0.5, double Omega = 0.1, string Gate = "ema", int Window = 30, bool RestoreOptimizerState = false,
    string GateStart = EmaGateStart.Paper);

/// <summary>Gradient extrapolation (seed 002, Algorithm 1), per mini-batch: two probe steps theta0 -> theta1 -> theta2
/// recording the raw gradients g0, g1; a per-coordinate geometric scale q from their ratio; the virtual K-step point
/// theta~ = theta0 + alpha·q ⊙ (theta2 - theta0); and one corrective step from there. Three gradient passes per
/// mini-batch, whatever K. A z-score gate on the corrective gradient's norm falls back to single passes for good.</summary>
public sealed class Gxpo : IUpdateRule, IStateful
{
    readonly GxpoOptions o;
    readonly IExitGate gate;
    int? exitStep;

    public Gxpo(GxpoOptions options)
    {
        if (options.K < 2) throw new ArgumentException("GXPO needs k >= 2");
        o = options;
        gate = options.Gate == "window" ? new PrecedingWindowGate(options.Window, options.Tau) : new EmaGate(options.Omega, options.Tau, options.GateStart);
    }

    static readonly GxpoOptions Defaults = new();
    public static readonly Setting<int> K = Settings.Int("k", "virtual steps K that the extrapolation stands for", Defaults.K, min: 2);
    public static readonly Setting<double> Alpha = Settings.Number("alpha", "extrapolation factor: theta~ = theta0 + alpha·q ⊙ (theta2 - theta0)", Defaults.Alpha, min: 0);
    public static readonly Setting<double> Delta = Settings.Number("delta", "ratio stabilizer", Defaults.Delta, min: 0, minExclusive: true);
    public static readonly Setting<double> DeltaActive = Settings.Number("delta-active", "activity threshold on |g0|", min: 0).DecidedBy("= delta");
    public static readonly Setting<double> Tau = Settings.Number("tau", "gate z-score threshold", Defaults.Tau, min: 0);
    public static readonly Setting<double> Omega = Settings.Number("omega", "EMA rate of the ema gate", Defaults.Omega, min: 0, max: 1, minExclusive: true);
    public static readonly Setting<string> Gate = Settings.Choice("gate", "ema (paper era) | window (later code)", Defaults.Gate, ["ema", "window"]);
    public static readonly Setting<string> GateInit = Settings.Choice("gate-init",
        "where the ema gate starts: paper (mu = sigma = 1) | first-observations (mean and std of the first 1/omega corrective-gradient norms: scale-free)",
        Defaults.GateStart, EmaGateStart.Names);
    public static readonly Setting<int> Window = Settings.Int("window", "corrective-gradient norms in the window gate", Defaults.Window, min: 2);
    public static readonly Setting<string> OptimizerState = Settings.Choice("optimizer-state",
        "carry: AdamW moments carry through the probes; restore: only the corrective step remains", "carry", ["carry", "restore"]);

    public static readonly Component<IUpdateRule> Component = new("gxpo", "gradient extrapolation: two probe passes, extrapolate, one corrective pass",
        [K, Alpha, Delta, DeltaActive, Tau, Omega, Gate, GateInit, Window, OptimizerState],
        v => new Gxpo(new GxpoOptions(v.Get(K), v.Get(Alpha), v.Get(Delta), v.Nullable(DeltaActive) ?? v.Get(Delta), v.Get(Tau), v.Get(Omega),
            v.Get(Gate), v.Get(Window), v.Get(OptimizerState) == "restore", v.Get(GateInit))));

    public void SaveState(StateBag state)
    {
        state.Set("exit_step", exitStep);
        gate.SaveState(state.Child("gate"));
    }

    public void LoadState(StateBag state)
    {
        exitStep = state.Get<int?>("exit_step");
        gate.LoadState(state.Child("gate"));
    }

    public string Name => "gxpo";

    public UpdateResult Apply(UpdateContext context, int step)
    {
        var stats = new PassStats();
        double gradientPasses = 0;
        double? lastZ = null;
        var ratios = new List<Tensor>();
        var scaleSums = new List<Tensor>();
        var activeCounts = new List<Tensor>();
        double total = 0, cosSum = 0;
        int extrapolated = 0;
        using var scope = NewDisposeScope();
        for (int m = 0; m < context.MiniBatchCount; m++)
        {
            if (exitStep is not null)
            {
                stats += context.Step(context.ComputeGradients(m));
                gradientPasses += 1;
                continue;
            }
            using var theta0 = ParameterSnapshot.Of(context.Parameters);
            var optimizerState = o.RestoreOptimizerState ? SaveState(context) : null;
            // Raw gradients are copied before each step: the step clips them and then clears them.
            var probe0 = context.ComputeGradients(m);
            using var g0 = ParameterSnapshot.OfGradients(context.Parameters);
            context.Step(probe0);
            var probe1 = context.ComputeGradients(m);
            using var g1 = ParameterSnapshot.OfGradients(context.Parameters);
            context.Step(probe1);
            var scales = new List<Tensor>();
            for (int i = 0; i < context.Parameters.Count; i++)
            {
                var (r, q, active) = GxpoRetention.Compute(g0.Values[i], g1.Values[i], o.K, o.Delta, o.DeltaActive);
                scales.Add(q);
                ratios.Add(r.masked_select(active).to(float32));
                scaleSums.Add(q.to(float64).sum());
                activeCounts.Add(active.sum());
                total += q.numel();
            }
            theta0.MoveToward(context.Parameters, o.Alpha, scales);
            if (optimizerState is not null) RestoreState(context, optimizerState);
            var corrective = context.ComputeGradients(m);
            using var gCorr = ParameterSnapshot.OfGradients(context.Parameters);
            var norm = Norm(gCorr.Values);
            cosSum += Cosine(g0.Values, gCorr.Values, norm);
            extrapolated++;
            stats += context.Step(corrective);
            gradientPasses += 3;
            var (z, trip) = gate.Observe(norm);
            lastZ = z;
            if (trip) exitStep = step;
        }
        var diagnostics = new Dictionary<string, object?>
        {
            ["update"] = extrapolated > 0 ? Name : "single",
            ["alpha_effective"] = extrapolated > 0 ? o.Alpha : 0,
            ["gate_z"] = lastZ,
            ["exit_step"] = exitStep,
        };
        if (extrapolated > 0)
        {
            var all = cat(ratios);
            diagnostics["retention_ratio_mean"] = all.numel() > 0 ? all.mean().item<float>() : null;
            diagnostics["retention_ratio_median"] = all.numel() > 0 ? all.median().item<float>() : null;
            diagnostics["scale_mean"] = stack(scaleSums).sum().item<double>() / total;
            diagnostics["inactive_frac"] = 1 - stack(activeCounts).sum().item<long>() / total;
            diagnostics["cos_g0_gcorr"] = cosSum / extrapolated;
        }
        return new UpdateResult(stats, gradientPasses / context.MiniBatchCount, diagnostics);
    }

    static Tensor SumOfProducts(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b) =>
        stack(a.Select((t, i) => (t.to(float64) * b[i].to(float64)).sum()).ToList()).sum();

    static double Norm(IReadOnlyList<Tensor> g) => Math.Sqrt(SumOfProducts(g, g).item<double>());

    static double Cosine(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b, double normB)
    {
        var denominator = Norm(a) * normB;
        return denominator == 0 ? 0 : SumOfProducts(a, b).item<double>() / denominator;
    }

    static TorchSharp.Modules.OptimizerHelper Helper(UpdateContext context) => context.Optimizer as TorchSharp.Modules.OptimizerHelper
        ?? throw new InvalidOperationException("--optimizer-state restore needs an optimizer whose state can be saved");

    static byte[] SaveState(UpdateContext context)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true)) Helper(context).save_state_dict(writer);
        return memory.ToArray();
    }

    static void RestoreState(UpdateContext context, byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        Helper(context).load_state_dict(reader);
    }
}
