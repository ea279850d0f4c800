#include "daemon/app/cli.h"

int main(int argc, char** argv) { return riskd::app::RiskctlMain(argc, argv); }
