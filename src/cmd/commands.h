/* commands.h - the subcommands of iobench; each returns the exit status. */
#ifndef IOBENCH_COMMANDS_H
#define IOBENCH_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_clean(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_scaling(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_trace(int argc, char **argv);

#endif
