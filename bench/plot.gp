# SPDX-License-Identifier: GPL-2.0
# The ratios of bench/results/latest.dat (report.py) as clustered bars with
# min-max error bars, SVG or PNG by the output's name:
#   gnuplot -e "dat='latest.dat'; out='latest.svg'; cfgs='b c d e'" plot.gp
# cfgs: the configurations in the file, from its "# configs:" line.
if (!exists("dat")) dat = "latest.dat"
if (!exists("out")) out = "latest.svg"
if (!exists("cfgs")) cfgs = "b c d e"
if (out[strlen(out)-2:strlen(out)] eq "png") {
	set terminal pngcairo size 960,520 font "sans,11" background rgb "white"
} else {
	set terminal svg size 960,520 dynamic font "sans,12" background rgb "white"
}
set output out
set title "synwatch benchmark: throughput relative to no module (a)"
set ylabel "ratio to (a), median (min-max)"
set yrange [0:1.15<*]
set ytics 0.1
set grid ytics lc rgb "#dddddd"
set key outside below horizontal
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border rgb "#333333"
set boxwidth 0.9
set xtics nomirror
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#444444"
name(c) = c eq "b" ? "(b) synwatch" : c eq "c" ? "(c) synwatch + synwatchd" : \
	  c eq "d" ? "(d) conntrack" : "(e) synwatch + conntrack"
color(c) = c eq "b" ? 0x1b9e77 : c eq "c" ? 0x7570b3 : c eq "d" ? 0xd95f02 : 0xe7298a
plot for [i=1:words(cfgs)] dat using 3*i-1:3*i:3*i+1:xtic(1) \
	title name(word(cfgs, i)) lc rgb color(word(cfgs, i))
