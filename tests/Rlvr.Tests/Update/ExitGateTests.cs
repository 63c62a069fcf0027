using Rlvr.Update;

namespace Rlvr.Tests.Update;

public class ExitGateTests
{
    static int? FirstTrip(IExitGate gate, IEnumerable<double> series)
    {
        int step = 0;
        foreach (var v in series)
        {
            step++;
            if (gate.Observe(v).trip) return step;
        }
        return null;
    }

    // Constant: the window's std is 0 and Z is 0 for a repeated value. (With the new value inside SFPO's window, any
    // blip above an otherwise constant window scores Z = sqrt(w - 1), so noisy synthetic series would trip by design.)
    static readonly double[] Flat = [1, 1, 1, 1, 1, 1, 1, 1];

    [Fact]
    public void SfpoWindowTripsOnTheUpwardJumpAndNeverBeforeTheWindowFills()
    {
        // A jump at step 3 comes before the 5-value window is full: ignored. The jump at step 9 trips it.
        double[] series = [1, 1, 5, 1, 1, 1, 1, 1, 2, 1];
        Assert.Equal(9, FirstTrip(new EntropyWindowGate(5, 1.0, twoSided: false), series));
        Assert.Null(FirstTrip(new EntropyWindowGate(5, 1.0, false), Flat.Take(4)));
        // A drop trips only the two-sided (paper text) form.
        double[] drop = [.. Flat, 0.5];
        Assert.Null(FirstTrip(new EntropyWindowGate(5, 1.0, false), drop));
        Assert.Equal(9, FirstTrip(new EntropyWindowGate(5, 1.0, true), drop));
    }

    [Fact]
    public void SfpoWindowZIncludesTheNewValue()
    {
        var gate = new EntropyWindowGate(3, 10, false);
        gate.Observe(1);
        gate.Observe(2);
        var (z, _) = gate.Observe(3); // window {1,2,3}: mean 2, population std sqrt(2/3)
        Assert.Equal(1 / Math.Sqrt(2.0 / 3), z!.Value, 6);
    }

    [Fact]
    public void PrecedingWindowScoresAgainstEarlierValuesOnly()
    {
        var gate = new PrecedingWindowGate(3, 0.5);
        Assert.Null(gate.Observe(1).z);
        Assert.Null(gate.Observe(2).z);
        Assert.Null(gate.Observe(3).z);
        var (z, trip) = gate.Observe(4); // against {1,2,3}
        Assert.Equal(2 / Math.Sqrt(2.0 / 3), z!.Value, 6);
        Assert.True(trip);
        double[] series = [.. Flat, 1.5];
        Assert.Equal(9, FirstTrip(new PrecedingWindowGate(5, 3.0), series));
        Assert.Null(FirstTrip(new PrecedingWindowGate(5, 3.0), [0.1, 9.0, 0.2, 7.0, 0.3])); // never before it fills
    }

    [Fact]
    public void EmaGateFollowsThePaperEraRecursion()
    {
        // mu = sigma = 1 at start. Value 1 thrice: Z = 0, sigma² shrinks by 0.9 each time (0.9, 0.81, 0.729).
        // Then 1.6: Z = 0.6 / sqrt(0.729) = 0.703 >= 0.5.
        var gate = new EmaGate(0.1, 0.5);
        for (int i = 0; i < 3; i++)
        {
            var (steady, tripped) = gate.Observe(1);
            Assert.Equal(0.0, steady!.Value);
            Assert.False(tripped);
        }
        var (z, trip) = gate.Observe(1.6);
        Assert.Equal(0.6 / Math.Sqrt(0.729), z!.Value, 6);
        Assert.True(trip);
        Assert.Equal(1, FirstTrip(new EmaGate(0.1, 0.5), [0.3])); // |Z| two-sided: a low first value trips at once
        Assert.Null(FirstTrip(new EmaGate(0.1, 0.5), [1.0, 1.1, 1.05, 1.1]));
    }

    [Fact]
    public void EmaGateFirstObservationsStartsFromTheirMeanAndStd()
    {
        // omega 0.25: four observations start it, none of them scored.
        double[] start = [0.02, 0.03, 0.025, 0.025];
        var gate = new EmaGate(0.25, 0.5, EmaGateStart.FirstObservations);
        foreach (var v in start) Assert.Equal((null, false), gate.Observe(v));
        var mean = start.Average();
        var std = Math.Sqrt(start.Average(v => (v - mean) * (v - mean)));
        var (z, _) = gate.Observe(0.03);
        Assert.Equal((0.03 - mean) / (std + 1e-8), z!.Value, 4);
        // The paper's start trips on the first of these small norms; the scale-free start does not.
        Assert.Equal(1, FirstTrip(new EmaGate(0.25, 0.5), start));
        Assert.Null(FirstTrip(new EmaGate(0.25, 0.5, EmaGateStart.FirstObservations), [.. start, 0.025, 0.026]));
    }

    [Fact]
    public void EmaGateFirstObservationsIsScaleFree()
    {
        double[] series = [1.0, 1.2, 0.9, 1.1, 1.0, 1.05, 0.95, 1.1, 2.0, 1.0];
        var trips = new[] { 1e-3, 1.0, 1e3 }.Select(scale =>
            FirstTrip(new EmaGate(0.2, 1.5, EmaGateStart.FirstObservations), series.Select(v => v * scale))).ToList();
        Assert.NotNull(trips[0]);
        Assert.All(trips, t => Assert.Equal(trips[0], t));
        // The paper's start is not: the same series a thousand times smaller trips at once.
        Assert.Equal(1, FirstTrip(new EmaGate(0.2, 0.5), series.Select(v => v * 1e-3)));
        Assert.NotEqual(1, FirstTrip(new EmaGate(0.2, 0.5), series));
    }
}
