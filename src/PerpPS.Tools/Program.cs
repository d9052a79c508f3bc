using PerpPS.Tools;
using PerpPS.Tools.Cli;
using PerpPS.Tools.Io;

return MultiCall.Dispatch(Argv.Current(), ToolOutput.Console());
