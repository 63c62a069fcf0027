using Rlvr.Spec;
using Rlvr.Checkpoints;

namespace Rlvr.Update;

/// <param name="TwoSided">Exit at |Z| >= tau as in the paper's text instead of the official code's Z >= tau.</param>
public sealed record SfpoOptions(int K = 3, double Alpha = 0.8, int Window = 30, double Tau = 1.0, bool TwoSided = false);

/// <summary>Slow-fast policy optimization (seed 000, Algorithm 1): K fast passes from theta0, reposition
/// theta~ = theta0 + alpha·(thetaK - theta0) (eq. 7), one slow pass from theta~ (eq. 9). The slow pass's entropy
/// feeds a z-score window; once it trips, every later step is a single pass (alpha = 0, no fast passes).</summary>
public sealed class Sfpo : IUpdateRule, IStateful
{
    readonly SfpoOptions o;
    readonly IExitGate gate;
    int? exitStep;

    public Sfpo(SfpoOptions options)
    {
        if (options.K < 1) throw new ArgumentException("SFPO needs k >= 1");
        if (options.Window < 2) throw new ArgumentException("SFPO needs a window of at least 2");
        o = options;
        gate = new EntropyWindowGate(options.Window, options.Tau, options.TwoSided);
    }

    public static readonly Setting<int> K = Settings.Int("k", "fast passes K before the reposition", new SfpoOptions().K, min: 1);
    public static readonly Setting<double> Alpha = Settings.Number("alpha", "reposition factor: theta~ = theta0 + alpha·(thetaK - theta0) (eq. 7)", new SfpoOptions().Alpha, min: 0);
    public static readonly Setting<int> Window = Settings.Int("window", "slow-pass entropies in the exit z-score window", new SfpoOptions().Window, min: 2);
    public static readonly Setting<double> Tau = Settings.Number("tau", "exit z-score threshold", new SfpoOptions().Tau, min: 0);
    public static readonly Setting<string> ExitRule = Settings.Choice("exit-rule", "upward: Z >= tau (official code); abs: |Z| >= tau (paper text)", "upward", ["upward", "abs"]);

    public static readonly Component<IUpdateRule> Component = new("sfpo", "slow-fast policy optimization: K fast passes, reposition, one slow pass",
        [K, Alpha, Window, Tau, ExitRule],
        v => new Sfpo(new SfpoOptions(v.Get(K), v.Get(Alpha), v.Get(Window), v.Get(Tau), v.Get(ExitRule) == "abs")));

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

    public string Name => "sfpo";

    public UpdateResult Apply(UpdateContext context, int step)
    {
        if (exitStep is not null)
        {
            var single = context.RunPass();
            return new UpdateResult(single, 1, Diagnostics("single", 0, null));
        }
        using var theta0 = ParameterSnapshot.Of(context.Parameters);
        for (int k = 0; k < o.K; k++) context.RunPass();
        theta0.MoveToward(context.Parameters, o.Alpha);
        var slow = context.RunPass();
        var (z, trip) = gate.Observe(slow.Entropy);
        if (trip) exitStep = step;
        return new UpdateResult(slow, o.K + 1, Diagnostics(Name, o.Alpha, z));
    }

    Dictionary<string, object?> Diagnostics(string ran, double alpha, double? z) => new()
    {
        ["update"] = ran, ["alpha_effective"] = alpha, ["gate_z"] = z, ["exit_step"] = exitStep,
    };
}
