`timescale 1ns/1ps
module tb_accel;
  reg clk = 1'b0;
  reg [2:0] count = 3'd0;
  reg flag = 1'b0;
  integer img = 0;
  always #5 clk = ~clk;
  always @(posedge clk) begin
    count <= count + 3'd1;
    flag <= count == 3'd7;
  end
  initial begin
    $dumpfile("counter.vcd");
    $dumpvars(0, tb_accel.clk, tb_accel.count, tb_accel.flag);
    #160 img = 1;
    $dumpoff;
    #40 $finish;
  end
endmodule
