# SPDX-License-Identifier: GPL-2.0
# The ratios of bench/results/latest.dat (report.py) as clustered bars with
# min-max error bars:  gnuplot -e "dat='latest.dat'; out='latest.svg'" plot.gp
if (!exists("dat")) dat = "latest.dat"
if (!exists("out")) out = "latest.svg"
if (out[strlen(out)-2:strlen(out)] eq "png") {
	set terminal pngcairo size 960,520 font "sans,11" background rgb "white"
} else {
	set terminal svg size 960,520 dynamic font "sans,12" background rgb "white"
}
set output out
set title "synwatch benchmark: throughput relative to no module (a)"
set ylabel "ratio to (a), median (min-max)"
set yrange [0:1.15]
set ytics 0.1
set grid ytics lc rgb "#dddddd"
set key outside below horizontal
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border rgb "#333333"
set boxwidth 0.9
set xtics nomirror
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#444444"
plot dat using 2:3:4:xtic(1) title "(b) synwatch" lc rgb "#1b9e77", \
     ''  using 5:6:7 title "(c) synwatch + synwatchd" lc rgb "#7570b3", \
     ''  using 8:9:10 title "(d) conntrack" lc rgb "#d95f02", \
     ''  using 11:12:13 title "(e) synwatch + conntrack" lc rgb "#e7298a"
